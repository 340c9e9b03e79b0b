package console

import (
	"crypto/rand"
	"net/http"
	"strings"
)

// accountData is the account page's data.
type accountData struct {
	Users []User
	// NewUser and NewPassword show a created account's password once.
	NewUser, NewPassword string
	Error, Flash         string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, accountData{Flash: r.URL.Query().Get("done")})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, d accountData) {
	if who(r).role == RoleAdmin {
		users, err := s.o.Auth.Users()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Users = users
	}
	s.render(w, r, status, "account", d)
}

// changePassword sets the signed-in user's password, after checking the
// current one, and ends the user's other sessions.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	p := who(r)
	current, next := r.PostFormValue("current"), r.PostFormValue("new")
	if _, ok := s.o.Auth.Login(p.user, current); !ok {
		s.renderAccount(w, r, http.StatusForbidden, accountData{Error: "The current password is wrong."})
		return
	}
	if next != r.PostFormValue("confirm") {
		s.renderAccount(w, r, http.StatusBadRequest, accountData{Error: "The new passwords differ."})
		return
	}
	if err := s.o.Auth.SetPassword(p.user, next); err != nil {
		s.renderAccount(w, r, http.StatusBadRequest, accountData{Error: err.Error()})
		return
	}
	s.sess.deleteUser(p.user)
	s.log.Info("password changed", "user", p.user)
	s.setCookie(w, "vigil_session", s.sess.create(p.user, s.o.Now()), int(maxSession.Seconds()))
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}

// addUser creates an account with a generated password, shown once.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	role, err := ParseRole(r.PostFormValue("role"))
	if err == nil {
		password := rand.Text()
		if err = s.o.Auth.AddUser(name, role, password, s.o.Now()); err == nil {
			s.log.Info("user created", "user", name, "role", role, "by", who(r).user)
			s.renderAccount(w, r, http.StatusOK, accountData{NewUser: name, NewPassword: password})
			return
		}
	}
	s.renderAccount(w, r, http.StatusBadRequest, accountData{Error: err.Error()})
}
