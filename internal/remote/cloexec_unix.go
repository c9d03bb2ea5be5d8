//go:build unix

package remote

import "syscall"

func closeOnExec(fd int) { syscall.CloseOnExec(fd) }
