package auth

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// What `dangan user ...` and `dangan audit` print, so that the commands
// themselves only read flags and passwords.

// WriteUsers prints users as a table (dangan user list). Secrets never
// appear: only whether a token exists.
func WriteUsers(w io.Writer, users []User) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tDISPLAY NAME\tEMAIL\tTOKEN\tCREATED")
	for _, u := range users {
		token := "-"
		if u.HasToken() {
			token = u.TokenCreated.Local().Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, dash(u.DisplayName), dash(u.Email), token, u.Created.Local().Format("2006-01-02"))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteEvents prints audit events one per line (dangan audit), in local
// time, with only the fields an event has.
func WriteEvents(w io.Writer, events []Event) error {
	for _, e := range events {
		var b strings.Builder
		if !e.Time.IsZero() {
			b.WriteString(e.Time.Local().Format("2006-01-02 15:04:05"))
			b.WriteByte(' ')
		}
		b.WriteString(string(e.Type))
		for _, kv := range [][2]string{{"actor", e.Actor}, {"role", string(e.Role)}, {"user", e.User}, {"addr", e.Addr},
			{"customer", e.Customer}, {"path", e.Path}, {"detail", e.Detail}} {
			if kv[1] != "" {
				b.WriteString(" " + kv[0] + "=" + quoteIfNeeded(kv[1]))
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

func quoteIfNeeded(s string) string {
	if strings.ContainsAny(s, " \t\n\"=") {
		return strconv.Quote(s)
	}
	return s
}

// ParseSince reads the --since of dangan audit: a day (2026-11-20, from
// local midnight), a time (RFC 3339), or an age such as 24h or 7d before
// now.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q is not a date; write 2026-11-20, 2026-11-20T09:00:00+08:00, 24h or 7d", s)
}
