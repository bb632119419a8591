package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost of hashing one password with argon2id.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultArgon2 is OWASP's recommended minimum for argon2id (19 MiB, two
// passes, one thread): about 30 ms on the branch's small server, slow
// enough for a stolen users.json and fast enough for a login.
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinPasswordLen is the shortest password accepted (in characters).
	MinPasswordLen = 8
	// maxPasswordLen bounds what is hashed: a login form is not a way to
	// make the server hash megabytes.
	maxPasswordLen = 1024
)

// ErrWeakPassword is returned for passwords too short or too long.
var ErrWeakPassword = errors.New("password too weak")

func checkPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen {
		return fmt.Errorf("%w: a password needs at least %d characters, this one has %d", ErrWeakPassword, MinPasswordLen, n)
	}
	if len(pw) > maxPasswordLen {
		return fmt.Errorf("%w: a password may have at most %d bytes", ErrWeakPassword, maxPasswordLen)
	}
	return nil
}

// hashPassword returns the PHC string of argon2id:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>, salt and key in unpadded base64.
func hashPassword(pw string, p Argon2Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword compares pw with a PHC hash in constant time. The cost is
// read from the hash, so raising DefaultArgon2 keeps old hashes working.
func verifyPassword(pw, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(pw) > maxPasswordLen {
		return false
	}
	var v int
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	// A hash file edited by hand must not make a login allocate gigabytes.
	if p.Time == 0 || p.Threads == 0 || p.Memory > 1<<21 || p.Time > 64 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// passwordAlphabet leaves out characters people misread (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewPassword returns a random password of 16 characters (about 93 bits),
// for the first admin, the demo users and `dangan user add` without
// --password-stdin.
func NewPassword() string {
	const n = 16
	out := make([]byte, n)
	for i := range out {
		out[i] = passwordAlphabet[randIntn(len(passwordAlphabet))]
	}
	return string(out)
}

// randIntn returns a uniform random number in [0, n) from crypto/rand.
func randIntn(n int) int {
	var b [1]byte
	limit := 256 - 256%n
	for {
		if _, err := rand.Read(b[:]); err != nil {
			// crypto/rand does not fail on supported systems (Go 1.24+
			// panics instead of returning an error).
			panic(err)
		}
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// randomToken returns n random bytes in unpadded URL-safe base64.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
