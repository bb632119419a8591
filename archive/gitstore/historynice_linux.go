package gitstore

import "syscall"

// lowerPriority gives a helper process the lowest CPU priority, so a
// background walk through history takes only what requests leave.
func lowerPriority(pid int) {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, 19)
}
