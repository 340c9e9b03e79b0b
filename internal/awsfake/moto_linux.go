package awsfake

import "syscall"

// sysProcAttr makes the kernel kill moto_server when the test binary dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
