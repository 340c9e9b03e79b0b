//go:build !linux

package awsfake

import "syscall"

// sysProcAttr: without Linux's parent-death signal, a shared moto_server
// outlives a test binary that crashes.
func sysProcAttr() *syscall.SysProcAttr { return nil }
