package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Role is what a user or token may do: viewers read, admins also archive
// findings and edit suppression rules.
type Role string

// The roles.
const (
	RoleViewer Role = "viewer"
	RoleAdmin  Role = "admin"
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleViewer, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("role %q: want viewer or admin", s)
}

// AdminUser is the account created on the console's first start.
const AdminUser = "admin"

// AuthFile is the credentials file's path relative to the lake. It holds
// password hashes (argon2id) and token hashes (SHA-256), never a secret.
const AuthFile = "_vigil/console/auth.json"

// User is a console account.
type User struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
}

// Token is an API token; only its hash is stored.
type Token struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
}

type authDoc struct {
	Version int     `json:"version"`
	Users   []User  `json:"users"`
	Tokens  []Token `json:"tokens"`
}

// Auth is the console's credential store, <lake>/_vigil/console/auth.json.
// Changes (a token created by vigil token while the console runs) are
// written under a file lock and atomically; readers notice them on their
// next lookup. Safe for concurrent use.
type Auth struct {
	path string

	mu    sync.Mutex
	doc   authDoc
	stamp fileStamp
}

// OpenAuth opens the credential store of the lake at lakeDir (empty when
// the console never ran).
func OpenAuth(lakeDir string) (*Auth, error) {
	a := &Auth{path: filepath.Join(lakeDir, AuthFile)}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.reloadLocked(); err != nil {
		return nil, err
	}
	return a, nil
}

// fileStamp identifies a version of a file.
type fileStamp struct {
	mod  time.Time
	size int64
	ok   bool
}

func stampOf(path string) fileStamp {
	info, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{mod: info.ModTime(), size: info.Size(), ok: true}
}

// reloadLocked rereads the file if it changed since it was read.
func (a *Auth) reloadLocked() error {
	st := stampOf(a.path)
	if st == a.stamp && a.doc.Version != 0 {
		return nil
	}
	doc, err := readAuth(a.path)
	if err != nil {
		return err
	}
	a.doc, a.stamp = doc, st
	return nil
}

func readAuth(path string) (authDoc, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return authDoc{Version: 1}, nil
	}
	if err != nil {
		return authDoc{}, fmt.Errorf("read console credentials: %w", err)
	}
	var doc authDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return authDoc{}, fmt.Errorf("read console credentials %s: %w", path, err)
	}
	if doc.Version != 1 {
		return authDoc{}, fmt.Errorf("read console credentials %s: unknown version %d", path, doc.Version)
	}
	return doc, nil
}

// update changes the stored document under the file lock.
func (a *Auth) update(change func(*authDoc) error) error {
	dir := filepath.Dir(a.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write console credentials: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "auth.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("write console credentials: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("lock console credentials: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	doc, err := readAuth(a.path)
	if err != nil {
		return err
	}
	if err := change(&doc); err != nil {
		return err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(a.path, b); err != nil {
		return err
	}
	a.doc, a.stamp = doc, stampOf(a.path)
	return nil
}

// writeAtomic replaces path with b, readable by its owner only.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// EnsureAdmin creates the admin account if there is none, with password
// (or, when it is empty, a generated one, returned so that it can be shown
// once). created is false when the account existed: password is then
// ignored.
func (a *Auth) EnsureAdmin(password string, now time.Time) (created bool, generated string, err error) {
	err = a.update(func(d *authDoc) error {
		if slices.ContainsFunc(d.Users, func(u User) bool { return u.Name == AdminUser }) {
			return nil
		}
		if password == "" {
			generated = rand.Text()
			password = generated
		}
		if err := checkPassword(password); err != nil {
			return err
		}
		d.Users = append(d.Users, User{Name: AdminUser, Role: RoleAdmin, Hash: hashPassword(password), Created: now.UTC()})
		created = true
		return nil
	})
	if !created {
		generated = ""
	}
	return created, generated, err
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

func checkPassword(p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return fmt.Errorf("password too short: at least %d characters", MinPasswordLength)
	}
	return nil
}

var userName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// AddUser creates an account; the name must be new.
func (a *Auth) AddUser(name string, role Role, password string, now time.Time) error {
	if !userName.MatchString(name) {
		return fmt.Errorf("user name %q: use up to 64 letters, digits and . _ @ -", name)
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	return a.update(func(d *authDoc) error {
		if slices.ContainsFunc(d.Users, func(u User) bool { return strings.EqualFold(u.Name, name) }) {
			return fmt.Errorf("user %s exists already", name)
		}
		d.Users = append(d.Users, User{Name: name, Role: role, Hash: hashPassword(password), Created: now.UTC()})
		return nil
	})
}

// SetPassword replaces a user's password.
func (a *Auth) SetPassword(name, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	return a.update(func(d *authDoc) error {
		i := slices.IndexFunc(d.Users, func(u User) bool { return u.Name == name })
		if i < 0 {
			return fmt.Errorf("user %s: %w", name, vigil.ErrNotFound)
		}
		d.Users[i].Hash = hashPassword(password)
		return nil
	})
}

// dummyHash is compared against when a user does not exist, so that a
// wrong name costs as much time as a wrong password.
var dummyHash = hashPassword("not a password, only for timing")

// Login checks a user's password.
func (a *Auth) Login(name, password string) (User, bool) {
	a.mu.Lock()
	err := a.reloadLocked()
	var u User
	found := false
	for _, x := range a.doc.Users {
		if x.Name == name {
			u, found = x, true
		}
	}
	a.mu.Unlock()
	if err != nil || !found {
		verifyPassword(dummyHash, password)
		return User{}, false
	}
	if !verifyPassword(u.Hash, password) {
		return User{}, false
	}
	return u, true
}

// lookupUser returns the user's current account (users are deleted or
// change role while signed in).
func (a *Auth) lookupUser(name string) (User, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.reloadLocked(); err != nil {
		return User{}, false
	}
	for _, u := range a.doc.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// Users returns the accounts, without their hashes.
func (a *Auth) Users() ([]User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.reloadLocked(); err != nil {
		return nil, err
	}
	out := slices.Clone(a.doc.Users)
	for i := range out {
		out[i].Hash = ""
	}
	return out, nil
}

// TokenPrefix starts every API token, so that secret scanners can spot
// leaked ones.
const TokenPrefix = "vigil_"

var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// CreateToken creates an API token named name (new) with role and
// returns it; it is not stored and cannot be shown again.
func (a *Auth) CreateToken(name string, role Role, now time.Time) (string, error) {
	if !tokenName.MatchString(name) {
		return "", fmt.Errorf("token name %q: use up to 64 letters, digits and . _ @ -", name)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	err := a.update(func(d *authDoc) error {
		if slices.ContainsFunc(d.Tokens, func(t Token) bool { return strings.EqualFold(t.Name, name) }) {
			return fmt.Errorf("token %s exists already (revoke it first)", name)
		}
		d.Tokens = append(d.Tokens, Token{Name: name, Role: role, Hash: tokenHash(token), Created: now.UTC()})
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken deletes the token named name.
func (a *Auth) RevokeToken(name string) error {
	return a.update(func(d *authDoc) error {
		i := slices.IndexFunc(d.Tokens, func(t Token) bool { return t.Name == name })
		if i < 0 {
			return fmt.Errorf("token %s: %w", name, vigil.ErrNotFound)
		}
		d.Tokens = slices.Delete(d.Tokens, i, i+1)
		return nil
	})
}

// Tokens returns the tokens, without their hashes.
func (a *Auth) Tokens() ([]Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.reloadLocked(); err != nil {
		return nil, err
	}
	out := slices.Clone(a.doc.Tokens)
	for i := range out {
		out[i].Hash = ""
	}
	return out, nil
}

// checkToken returns the token a bearer credential is.
func (a *Auth) checkToken(token string) (Token, bool) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return Token{}, false
	}
	h := tokenHash(token)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.reloadLocked(); err != nil {
		return Token{}, false
	}
	for _, t := range a.doc.Tokens {
		if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(h)) == 1 {
			return t, true
		}
	}
	return Token{}, false
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashPassword returns the PHC string of an argon2id hash of p.
func hashPassword(p string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(p), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// verifyPassword checks p against a hash made by hashPassword.
func verifyPassword(hash, p string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var (
		m, t uint32
		th   uint8
	)
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || m > 1<<21 || t > 16 || th == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(p), salt, t, m, th, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}
