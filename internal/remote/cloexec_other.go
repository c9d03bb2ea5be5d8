//go:build !unix

package remote

// closeOnExec does nothing where descriptors are not inherited this way.
func closeOnExec(int) {}
