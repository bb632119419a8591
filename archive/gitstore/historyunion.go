package gitstore

import (
	"context"
	"errors"
)

// IndexHistory builds every member's per-path history index (see
// Repo.IndexHistory).
func (u *Union) IndexHistory(ctx context.Context, pause Pause, progress func(done, total int)) error {
	var errs []error
	for _, r := range u.repos {
		errs = append(errs, r.IndexHistory(ctx, pause, progress))
	}
	return errors.Join(errs...)
}

// IndexHistoryInBackground is Repo.IndexHistoryInBackground for every
// member.
func (u *Union) IndexHistoryInBackground(ctx context.Context, pause Pause) {
	for _, r := range u.repos {
		r.IndexHistoryInBackground(ctx, pause)
	}
}
