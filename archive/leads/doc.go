// Package leads derives marketing leads (商机) from the customer
// maintenance archive: the customers' potential business needs that the
// standard asks technicians to pass to marketing promptly. Rules and
// thresholds come from dangan.yaml (leads:, archive.LeadRules); every
// lead names its evidence, so marketing can trust it and knows whom to ask.
//
// # API
//
//	Derive(snap, snap.Settings.Leads, at) []Lead      every lead as of a day, best first
//	DeriveCustomer(folder, rules, at) []Lead          one customer's
//	(&Cache{}).Derive(snap, rules, at) []Lead         Derive, re-deriving only the folders a commit changed
//	(&Tracker{History: repo, CacheDir: dir}).Derive(snap, rules, at)
//	                                                  the same with Lead.FirstSeen from git history
//	                                                  (incremental too: the site's call on each commit)
//	lead.Redact(hidden) / RedactAll(leads, hidden)    what a role may see (see below)
//	SetStatus(content, id, status, by, date)          leads.md with one lead's status set (SetTracked: with a note)
//	WriteCSV / WriteXLSX / WriteJSON(w, leads, lang)  exports
//
// Derive is pure and safe to call concurrently; a Cache and a Tracker are
// safe for concurrent use and keep their state between calls (a Tracker's
// walk of the history, with CacheDir, between runs too). Figures on the
// 10,000-customer demo (go test -bench . ./archive/leads, 2 cores): Derive
// about 0.5 s of CPU, Cache.Derive after a one-customer commit about 0.1 s,
// RedactAll of every lead about 0.1 s.
//
// # Signals
//
// One rule per signal (Signal), evaluated as of a day "at":
//
//   - need: each need written by staff in leads.md dated on or before at;
//     subject: its id, else its date and text. Its status: is the
//     starting status.
//   - warranty: devices in service (status in_service or unset) whose
//     warranty_until is before at or at most warranty_days after it
//     (exactly warranty_days counts). One lead per customer; the evidence
//     lists every device.
//   - eol: the same with eol and eol_days.
//   - utilisation: devices not removed whose utilisation is at least
//     utilisation_percent. One lead per customer.
//   - spares: parts of spares.md with required above on_hand. One lead per
//     customer.
//   - contract: the customer's contract ends at most contract_days after
//     at, or has ended; subject: contract id and end date, so a renewed
//     contract is a new lead.
//   - asked_about: products attendees asked about in training sessions on
//     or before at; one lead per product.
//   - repeat_faults: at least repeat_faults.visits repair visits touching
//     one device dated within repeat_faults.days before at (both days
//     included); one lead per device. A visit's day is its appointment,
//     else its arrival, else its file name's date.
//   - words: each configured word found in the profile's text, the notes,
//     or the visit notes of the last WordsDays (365) days; one lead per
//     word.
//
// # Identity and status
//
// ID is the first 12 hex digits of SHA-256(customer, signal, subject):
// commits that do not touch a lead's evidence never change it. Marketing's
// status lives in the customer's leads.md, key tracked (archive.Tracked):
//
//	tracked:
//	  - {lead: 3fa9c2e1b0d4, status: contacted, by: shichang, date: 2026-11-24, note: 已约下周面谈}
//
// one entry per lead (the last one counts), written by SetStatus and
// committed by the site, so statuses have history in git. A lead nobody
// tracked is new (a need: its own status:). Marketing may change exactly
// these entries (archive/access CheckChange).
//
// # Score
//
// score = base(signal) + up to 30 for urgency or recency + up to 10 for
// breadth, clamped to 0..100:
//
//	base: need 55, contract 50, repeat_faults 45, asked_about 40,
//	      utilisation 40, words 35, warranty 35, eol 30, spares 25
//	urgency (warranty, eol, contract), from the days d to the nearest date:
//	      d >= 0: 30 - 30*d/window; passed: 30 minus one per 30 days passed
//	recency (need, asked_about, words): 30 - 30*age/365 from the latest
//	      record's day (15 when it has none); 0 after a year
//	utilisation: 30*(highest - threshold)/(100 - threshold)
//	spares: 30*short/required over the short lines
//	repeat_faults: 10 per visit from the threshold on (3 visits: 10, 5: 30)
//	breadth: 2 per device, part, session or record beyond the first, at most 10
//
// # First seen
//
// Lead.FirstSeen is the commit where the signal first appeared: the first
// commit of the latest unbroken run of commits (first parent) in which the
// customer's records carry the lead. To be meaningful across years of
// history, presence in a commit ignores the date windows of warranty, eol
// and contracts (a device counts from the commit that recorded its date,
// not from the day the window opened, which no commit marks: Since says
// that day), and repeat faults and words are judged as of the commit's
// day. A Tracker walks the history once, re-evaluating only the customers
// each commit touched, and caches the result keyed by commit and rules
// (CacheDir/leads-seen.gob); later calls only walk the new commits. It
// needs one repository's first-parent chain (History: *gitstore.Repo); a
// gitstore.Union of several repositories has no single chain, so leads
// shown from a Union have no FirstSeen (Began falls back to Since).
//
// # What a role may see
//
// Leads are derived with full visibility. Before showing them to anyone
// the site checks the customer (restricted customers: only their staff)
// and calls Redact with the viewer's hidden fields: evidence of hidden
// sections is dropped, hidden values, serials and management addresses are
// removed, and the summary is written again without hidden values.
// Exports write what they are given: pass redacted leads.
package leads
