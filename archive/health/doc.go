// Package health judges whether the archive is what the maintenance
// standard asks it to be: complete (完整性), continuous (连续性) and
// authentic (真实性), and whether visits keep the visit standard
// (上门服务规范, checked by archive/standard). It scores each customer, each
// technician and the whole archive from 0 to 100 as of a day, and lists
// the problems behind each score with the record to fix.
//
// # API
//
//	Check(snap, Options{At, Users, History, Until}) (*Report, error)
//	CheckCustomer(folder, settings, opt) (Customer, error)  one customer, for incremental use
//	Summarize(customers, at) *Report                         technicians, archive and months from customers
//	Staff(snap) map[string]bool                              people the records name, for Options.Users
//	(&Cache{}).Check(snap, opt)                              Check, judging again only the folders a commit changed
//
// On each new commit the site calls Cache.Check with the new snapshot: the
// customers whose folders the commit did not touch keep their results. Everything here is
// computed with full visibility: restricted customers must be left out of
// what a viewer sees (access.Policy.CanSeeFolder) before summarising, and
// problem messages quote record problems, which may hold hidden values.
//
// # Checks and points
//
// Each aspect starts at 100 and loses the points of its problems (never
// below 0); some rules are capped so that one habit does not outweigh the
// rest (in brackets).
//
// Complete:
//   - missing_record: no devices.md, topology.md, progress.md, training.md
//     or spares.md: 12 each;
//   - record_error: an error of the checker in one of the customer's files
//     (a required field missing, a value that cannot be read, a broken
//     reference): 8 each [60]; record_warning: a warning outside visits:
//     2 each [20].
//
// Continuous (freshness_days of dangan.yaml):
//   - stale_devices, stale_topology: reviewed missing or older than
//     freshness_days.devices / .topology: 25 each;
//   - no_recent_visit: no visit, or the last one more than
//     freshness_days.visit days before the day: 30;
//   - visit_gap: two consecutive visits, the later one within the last year,
//     more than freshness_days.visit days apart: 10 each [20];
//   - follow_up_missing: a visit that ended escalated or follow_up with no
//     later visit, once its follow_up date (if any) has passed: 15 each [30].
//
// Authentic:
//   - unknown_author: a commit that changed the customer's folder by
//     someone not in Options.Users (matched on the author's email, the part
//     before @, or the name): 20 each [60];
//   - unknown_device: records disagree: a topology link, spare part or
//     visit names a device devices.md does not list: 15 each [45];
//   - unknown_technician: a visit by someone not in Options.Users: 10 each [30].
//
// Standard: over the visits of the last YearDays (365) days, the share of
// the rules of archive/standard that apply to each visit (standard.Applies)
// and were kept: a rule with any finding, a fact not recorded included,
// counts as broken. 100 when there are no visits to judge. Each finding is
// a problem; the first of each rule and visit carries its share of points.
//
// A customer's score weighs the aspects: complete 30, continuous 30,
// authentic 20, standard 20 (Weights). A technician's score is the mean of
// the customers they are assigned to, with their own visit figures
// (standard %, on time %) beside it; the archive's is the mean of all
// customers, with the problems of no customer (dangan.yaml, guides,
// commits outside customer folders by unknown people) listed apart.
//
// Report.Months gives, for each of the last twelve months, the visits, how
// many had an appointment and arrival time, how many arrived at least five
// minutes early, and the rules kept: the dashboard's punctuality chart.
package health
