// Package gitstore keeps the archive in a git repository and reads it
// straight from git objects: no checkout is needed and bare repositories
// work. It uses go-git for object storage but does the parts where go-git
// is slow or unsafe itself.
//
// # Reading
//
// go-git's filesystem storage is not safe for concurrent use (unguarded
// maps, packfiles read through shared file offsets). A Repo keeps a pool of
// storages, one per core, sharing one object cache; each object read
// borrows one, so the site's many readers never wait on a global lock.
// Trees are kept raw with the offsets of their entries (a small LRU cache),
// so looking up a name is a binary search and comparing two versions of
// the customers folder compares bytes, without building ten thousand
// entry values. When an object is missing and objects/pack changed since a
// storage was opened (a technician ran git gc), the storage is reopened.
//
// Changes walks two trees side by side and skips every subtree whose id is
// the same on both sides, so a one-file commit costs a handful of tree
// reads however many customers there are (see BenchmarkChangesWide).
//
// # History
//
// go-git's path-filtered Log compares whole trees for every commit on every
// call. Instead the Repo walks the first-parent history once and records,
// for every file path and every folder prefix, the commits that changed
// something there (computed by the same subtree-skipping comparison with
// the parent). History is then a map lookup. When the branch moves, only
// the new commits are added; when it no longer contains the last indexed
// commit (history rewritten), the index is cut back to the last commit it
// shares with the branch and extended from there. With CacheDir set, the
// index is saved (gob) and loaded on the next start. The same first-parent
// chain answers AsOf by binary search over the earliest commit time of each
// suffix of the chain, which is exact even when clocks went backwards.
// Merged branches are seen through their merge commit, as in
// git log --first-parent.
//
// # Writing
//
// Commit writes new blobs and trees as loose objects the way git does (a
// tmp_obj_ file, flushed, renamed into place; a commit of thousands of
// objects flushes the file system once instead), writes the commit object,
// flushes the object folders, and only then moves the branch. go-git's
// Storer.CheckAndSetReference is not used: it rewrites the ref file in
// place under flock, which git does not honour, without fsync, and a crash
// between truncate and write leaves an empty ref. The branch is moved by
// git's own lock protocol instead: refs/heads/<branch>.lock is created with
// O_EXCL, the branch is read again under the lock (loose, or only in
// packed-refs) and compared with the expected parent, the new id is
// written and flushed, and the lock is renamed over the ref. A concurrent
// git commit or git push therefore either waits for us or makes Commit
// fail with a ConflictError; nothing is overwritten. Inside the process a
// mutex serialises writers. A crash at any moment leaves the branch at the
// old or the new commit and git fsck clean (TestCrashSafety kills a
// committing process at random moments and runs git fsck each time); it
// may leave unreachable objects, which git gc removes, and, if it struck
// while the lock was held, the lock file, which Commit removes once it is
// older than Repo.StaleLock.
//
// In a non-bare repository with the branch checked out, the files a commit
// changed are then updated in the work tree and the git index (under
// index.lock) only where both still hold the parent's version, so git
// status stays clean and a technician's local edits are never overwritten
// (a warning is logged instead).
package gitstore
