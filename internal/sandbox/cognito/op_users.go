package cognito

import (
	"slices"
	"strings"

	"github.com/google/uuid"
)

// AdminCreateUserInput is AdminCreateUser's request.
type AdminCreateUserInput struct {
	UserPoolId             string      `json:"UserPoolId"`
	Username               string      `json:"Username"`
	UserAttributes         []Attribute `json:"UserAttributes"`
	TemporaryPassword      string      `json:"TemporaryPassword"`
	MessageAction          string      `json:"MessageAction"`
	DesiredDeliveryMediums []string    `json:"DesiredDeliveryMediums"`
}

func checkUsername(name string) *awsErr {
	if err := checkLen("username", name, 1, 128); err != nil {
		return err
	}
	if !usernamePattern().MatchString(name) {
		return errPattern("username", name, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
	}
	return nil
}

// userIn finds a user of poolID; callers hold s.mu.
func (s *Service) userIn(poolID, username string) (*Pool, *User, *awsErr) {
	if err := checkUsername(username); err != nil {
		return nil, nil, err
	}
	p, err := s.pool(poolID)
	if err != nil {
		return nil, nil, err
	}
	u, ok := p.Users[username]
	if !ok {
		return nil, nil, errUserNotFound()
	}
	return p, u, nil
}

// AdminCreateUser creates a user in FORCE_CHANGE_PASSWORD with the given or
// a generated temporary password. The sandbox sends no messages.
func (s *Service) AdminCreateUser(in *AdminCreateUserInput) (User, *awsErr) {
	if err := checkUsername(in.Username); err != nil {
		return User{}, err
	}
	if len(in.UserAttributes) > 50 {
		return User{}, errInvalidParameter("Too many user attributes.")
	}
	seen := map[string]bool{}
	for _, a := range in.UserAttributes {
		if a.Name == "sub" {
			return User{}, errInvalidParameter("Cannot modify an immutable attribute: sub")
		}
		if seen[a.Name] {
			return User{}, errInvalidParameter("Duplicate attribute name: %s", a.Name)
		}
		seen[a.Name] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return User{}, err
	}
	if existing, ok := p.Users[in.Username]; ok {
		if in.MessageAction == "RESEND" {
			return *existing, nil // nothing to resend offline; the user is unchanged
		}
		return User{}, errUsernameExists()
	}
	if in.MessageAction == "RESEND" {
		return User{}, errUserNotFound()
	}
	if slices.Contains(p.UsernameAttributes, "email") && !strings.Contains(in.Username, "@") && !slices.Contains(p.UsernameAttributes, "phone_number") {
		return User{}, errInvalidParameter("Username should be an email.")
	}
	pw := in.TemporaryPassword
	if pw == "" {
		pw = generatePassword(p.Policy)
	} else if err := checkPassword(p.Policy, pw); err != nil {
		return User{}, err
	}
	now := s.now()
	u := &User{Username: in.Username, Sub: uuid.NewString(), Status: "FORCE_CHANGE_PASSWORD", Enabled: true, Created: now, Modified: now}
	u.Attributes = append([]Attribute{{Name: "sub", Value: u.Sub}}, in.UserAttributes...)
	u.setPassword(pw, now)
	p.Users[u.Username] = u
	if err := s.commit(func() { delete(p.Users, u.Username) }); err != nil {
		return User{}, err
	}
	return *u, nil
}

// AdminSetUserPassword sets a password: permanent confirms the user,
// otherwise the user must change it at the next sign-in.
func (s *Service) AdminSetUserPassword(poolID, username, password string, permanent bool) *awsErr {
	if password == "" {
		return errRequired("password")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.userIn(poolID, username)
	if err != nil {
		return err
	}
	if err := checkPassword(p.Policy, password); err != nil {
		return err
	}
	old := *u
	u.setPassword(password, s.now())
	u.Modified = s.now()
	u.Status = "FORCE_CHANGE_PASSWORD"
	if permanent {
		u.Status = "CONFIRMED"
	}
	return s.commit(func() { *u = old })
}

// AdminGetUser returns a user.
func (s *Service) AdminGetUser(poolID, username string) (User, *awsErr) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, u, err := s.userIn(poolID, username)
	if err != nil {
		return User{}, err
	}
	return *u, nil
}

// AdminDeleteUser removes a user. Tokens already issued stay valid until
// they expire, as on AWS; refresh tokens stop working at once.
func (s *Service) AdminDeleteUser(poolID, username string) *awsErr {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.userIn(poolID, username)
	if err != nil {
		return err
	}
	delete(p.Users, u.Username)
	if err := s.commit(func() { p.Users[u.Username] = u }); err != nil {
		return err
	}
	s.usersDeleted(p.ID, u.Sub)
	return nil
}
