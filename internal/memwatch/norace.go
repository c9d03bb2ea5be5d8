//go:build !race

package memwatch

// Race reports whether this is a race-detector build.
const Race = false
