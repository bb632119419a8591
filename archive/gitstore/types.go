package gitstore

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors, tested with errors.Is.
var (
	ErrNotFound       = errors.New("not found")
	ErrNotARepository = errors.New("not a git repository")
	ErrConflict       = errors.New("the branch moved")
	// ErrLocked says another git process holds a lock file (a ref's or
	// the index's) longer than Commit is willing to wait.
	ErrLocked = errors.New("locked by another git process")
)

// ConflictError says the branch no longer points at the commit a change was
// made on: someone else committed in the meantime.
type ConflictError struct {
	Expected string // the parent the change was made on
	Actual   string // where the branch is now
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("the branch moved from %.10s to %.10s while the change was being saved", e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Signature names who made a change and when.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// Commit describes one commit of the archive's history.
type Commit struct {
	Hash    string    `json:"hash"`
	Author  string    `json:"author"`
	Email   string    `json:"email"`
	When    time.Time `json:"when"`
	Message string    `json:"message"`
}

// Change is a set of file changes to commit on top of Parent.
type Change struct {
	Parent  string // expected current head; "" only for the first commit of an empty repository
	Author  Signature
	Message string
	Files   []FileChange
}

// FileChange writes (or, with Delete, removes) one file.
type FileChange struct {
	Path   string
	Data   []byte
	Delete bool
}

// Entry is a file in a folder of a commit's tree.
type Entry struct {
	Path    string
	Version string // blob id
	Size    int64
}

// Diff is the line difference of one file between two commits.
type Diff struct {
	Path  string `json:"path"`
	From  string `json:"from"`
	To    string `json:"to"`
	Hunks []Hunk `json:"hunks"`
	// Binary is set, and Hunks empty, when either side holds a NUL byte.
	Binary bool `json:"binary,omitempty"`
}

// Hunk is a run of changed lines with some context around them.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Lines              []DiffLine
}

// DiffLine is one line of a hunk. Op is ' ' (context), '-' (removed) or '+' (added).
type DiffLine struct {
	Op    byte
	Text  string
	OldNo int // 0 for added lines
	NewNo int // 0 for removed lines
	// NoNewline marks the last line of a side that does not end in a
	// line break.
	NoNewline bool
}
