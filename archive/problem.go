package archive

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity says whether a problem makes the archive invalid.
type Severity string

// The severities. Warnings point at something a person should look at but
// do not fail `dangan check`.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one thing wrong in the archive, located in a file of the
// repository so that a person can go and fix it.
type Problem struct {
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Chinese is the message in Chinese, for the site ("" when the
	// checker has no translation of it: show Message).
	Chinese string `json:"message_zh,omitempty"`
}

// String writes the problem the way compilers do, so editors can jump to it:
// path:line:col: message (warnings say so).
func (p Problem) String() string {
	line, col := max(p.Line, 1), max(p.Col, 1)
	if p.Severity == SeverityWarning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", p.Path, line, col, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.Path, line, col, p.Message)
}

// Error lets a problem travel as an error.
func (p Problem) Error() string { return p.String() }

// SortProblems orders problems by file, then position, so output is stable.
func SortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), cmp.Compare(a.Message, b.Message))
	})
}

// HasErrors reports whether any problem is an error rather than a warning.
func HasErrors(ps []Problem) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity == SeverityError })
}
