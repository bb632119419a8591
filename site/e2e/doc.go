// Package e2e holds end-to-end tests of the site in a headless Chromium,
// driven with chromedp: the pages are checked as a person sees them (search
// highlighting, the drawn topology, diffs, as-of views) and hostile archive
// content is checked not to run in the browser. It has no code of its own.
package e2e
