package site

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

// handleAPISearch answers like `dangan search --json`.
func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	size, _ := strconv.Atoi(r.URL.Query().Get("size"))
	if size <= 0 {
		size = pageSize
	}
	res, err := s.search(r, q, max(0, min(from, 10000)), min(size, 200))
	if err != nil {
		return err
	}
	if res.Hits == nil {
		res.Hits = []index.Hit{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

type apiCustomer struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Industry       string   `json:"industry,omitempty"`
	District       string   `json:"district,omitempty"`
	AccountManager string   `json:"account_manager,omitempty"`
	Technicians    []string `json:"technicians,omitempty"`
	Restricted     bool     `json:"restricted,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	Devices        int      `json:"devices"`
	OpenVisits     int      `json:"open_visits"`
	Problems       int      `json:"problems"`
}

// handleAPICustomerIndex lists the customers (same filters as the page).
func (s *Server) handleAPICustomerIndex(w http.ResponseWriter, r *http.Request) error {
	ci := customerRows(s.viewOf(r).customers(), filterOf(r))
	out := struct {
		Total     int           `json:"total"`
		Customers []apiCustomer `json:"customers"`
	}{Total: len(ci.Rows), Customers: []apiCustomer{}}
	for _, c := range ci.Rows {
		out.Customers = append(out.Customers, apiCustomer{c.ID, c.Name, c.Industry, c.District, c.AccountManager, c.Technicians, c.Restricted, c.Tags, c.Devices, c.OpenVisits, c.Problems})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiRecord struct {
	Path     string            `json:"path"`
	Kind     archive.Kind      `json:"kind"`
	Customer string            `json:"customer,omitempty"`
	Title    string            `json:"title"`
	Version  string            `json:"version,omitempty"`
	Data     any               `json:"data"`
	Body     string            `json:"body"`
	Problems []archive.Problem `json:"problems"`
}

func toAPIRecord(r *archive.Record) apiRecord {
	ps := r.Problems
	if ps == nil {
		ps = []archive.Problem{}
	}
	return apiRecord{Path: r.Path, Kind: r.Kind, Customer: r.Customer, Title: r.Title, Version: r.Version, Data: r.Data, Body: r.Body, Problems: ps}
}

// handleAPICustomer returns a customer's records, now or ?at= a day.
func (s *Server) handleAPICustomer(w http.ResponseWriter, r *http.Request) error {
	f, q, err := s.requestedFolder(r)
	if err != nil {
		return err
	}
	snap := q.snap
	out := struct {
		ID       string            `json:"id"`
		Name     string            `json:"name"`
		Commit   string            `json:"commit"`
		Records  []apiRecord       `json:"records"`
		Problems []archive.Problem `json:"problems"`
	}{ID: f.ID, Name: f.Name(), Commit: snap.Commit, Records: []apiRecord{}, Problems: f.Problems}
	if out.Problems == nil {
		out.Problems = []archive.Problem{}
	}
	for _, rec := range f.Records() {
		out.Records = append(out.Records, toAPIRecord(rec))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleAPIRecord returns one record: its content (redacted for the
// viewer), its version (blob id) and its parsed fields.
func (s *Server) handleAPIRecord(w http.ResponseWriter, r *http.Request) error {
	rec, q, err := s.requestedRecord(r)
	if err != nil {
		return err
	}
	snap, v, p := q.snap, q.view, rec.Path
	f, err := s.Store.ReadFile(snap.Commit, p)
	if err != nil {
		return err
	}
	content, ok := v.text(p, f.Data)
	if !ok {
		return notFound(fmt.Errorf("%s hidden", p))
	}
	out := struct {
		apiRecord
		Commit  string `json:"commit"`
		Content string `json:"content"`
	}{toAPIRecord(rec), snap.Commit, string(content)}
	writeJSON(w, http.StatusOK, out)
	return nil
}
