// Package demo generates realistic demo archives: a county branch of
// 陕西省榆林市米脂县 with customers across the county's industries, their
// devices, topologies, projects, training, spare parts, needs and visits, and
// a git history of several years written by the technicians and account
// managers who keep the archive.
//
// Everything is derived from Options.Seed: the same options give the same
// files and the same commit ids, so demos, tests and benchmarks can rely on
// it. Generate streams the history as commits; Write turns it into a git
// repository on disk; InitFiles is the starting point of a new archive.
package demo
