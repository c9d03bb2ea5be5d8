package cognito

import (
	"crypto/rand"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

const (
	lowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString draws n characters uniformly from alphabet.
func randomString(n int, alphabet string) string {
	var sb strings.Builder
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet) // rejection sampling keeps it uniform
	for sb.Len() < n {
		rand.Read(buf)
		if int(buf[0]) < limit {
			sb.WriteByte(alphabet[int(buf[0])%len(alphabet)])
		}
	}
	return sb.String()
}

// newPoolID is {region}_{9 alphanumerics}, like us-west-2_aB3dE5fG7.
func newPoolID(region string) string { return region + "_" + randomString(9, alnum) }

// newClientID is 26 lowercase alphanumerics, like Cognito's.
func newClientID() string { return randomString(26, lowerDigits) }

// newClientSecret is 51 lowercase alphanumerics, Cognito's secret length.
func newClientSecret() string { return randomString(51, lowerDigits) }

var (
	poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	// usernamePattern compiles on first use: its Unicode classes cost
	// more than the rest of the package's init.
	usernamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`) })
)

func checkPoolID(id string) *awsErr {
	if len(id) > 55 {
		return errTooLong("userPoolId", 55)
	}
	if !poolIDPattern.MatchString(id) {
		return errPattern("userPoolId", id, poolIDPattern.String())
	}
	return nil
}

// checkLen validates a string member's length the way Cognito's model does.
func checkLen(member, v string, min, max int) *awsErr {
	if v == "" && min > 0 {
		return errRequired(member)
	}
	if len(v) < min {
		return errTooShort(member, min)
	}
	if len(v) > max {
		return errTooLong(member, max)
	}
	return nil
}

// checkPassword applies the pool's policy and Cognito's wording.
func checkPassword(p PasswordPolicy, pw string) *awsErr {
	if len(pw) > 256 {
		return errTooLong("password", 256)
	}
	if int32(len([]rune(pw))) < p.MinimumLength || pw == "" {
		return errInvalidPassword("Password not long enough")
	}
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ", r):
			symbol = true
		}
	}
	switch {
	case p.RequireUppercase && !upper:
		return errInvalidPassword("Password must have uppercase characters")
	case p.RequireLowercase && !lower:
		return errInvalidPassword("Password must have lowercase characters")
	case p.RequireNumbers && !digit:
		return errInvalidPassword("Password must have numeric characters")
	case p.RequireSymbols && !symbol:
		return errInvalidPassword("Password must have symbol characters")
	}
	return nil
}

// generatePassword makes a temporary password that satisfies p.
func generatePassword(p PasswordPolicy) string {
	n := int(p.MinimumLength)
	if n < 12 {
		n = 12
	}
	pw := randomString(n-4, alnum) + randomString(1, "ABCDEFGHJKLMNPQRSTUVWXYZ") +
		randomString(1, "abcdefghijkmnopqrstuvwxyz") + randomString(1, "23456789") + randomString(1, "!#%+-=")
	return pw
}
