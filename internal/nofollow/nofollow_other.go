//go:build !unix

package nofollow

// Without O_NOFOLLOW, OpenFile relies on its check before the open.
const oNoFollow = 0

func isLoop(error) bool { return false }
