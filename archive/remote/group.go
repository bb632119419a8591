package remote

import (
	"errors"
	"slices"
	"strings"
)

// Group is the Syncers of an archive served from several repositories
// (restricted customers in a repository of their own), seen as one: the
// site shows one state and the webhook fetches them all.
type Group []*Syncer

// Status adds the members' states up: saves waiting and conflicts of all,
// unreachable since the earliest member stopped answering.
func (g Group) Status() Status {
	var out Status
	var urls, branches, errs []string
	for i, s := range g {
		st := s.Status()
		urls, branches = append(urls, st.URL), append(branches, st.Branch)
		if st.LastError != "" {
			errs = append(errs, st.LastError)
		}
		out.Pending += st.Pending
		out.Conflicts = append(out.Conflicts, st.Conflicts...)
		if !st.UnreachableSince.IsZero() && (out.UnreachableSince.IsZero() || st.UnreachableSince.Before(out.UnreachableSince)) {
			out.UnreachableSince = st.UnreachableSince
		}
		if i == 0 || st.LastContact.Before(out.LastContact) {
			out.LastContact = st.LastContact // the stalest member's
		}
		if i == 0 {
			out.Head, out.Remote = st.Head, st.Remote
		}
	}
	out.URL, out.Branch = strings.Join(urls, " + "), strings.Join(slices.Compact(branches), " + ")
	out.LastError = strings.Join(errs, "\n")
	return out
}

// Trigger asks every member to fetch now.
func (g Group) Trigger() {
	for _, s := range g {
		s.Trigger()
	}
}

// Dismiss forgets a conflict in whichever member holds it.
func (g Group) Dismiss(commit string) error {
	var errs []error
	for _, s := range g {
		for _, c := range s.Status().Conflicts {
			if c.Commit.Hash == commit {
				errs = append(errs, s.Dismiss(commit))
			}
		}
	}
	return errors.Join(errs...)
}
