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
	var out User
	err := s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(in.UserPoolId)
		if err != nil {
			return nil, err
		}
		if existing, ok := p.Users[in.Username]; ok {
			if in.MessageAction == "RESEND" {
				out = *existing // nothing to resend offline; the user is unchanged
				return nil, nil
			}
			return nil, errUsernameExists()
		}
		if in.MessageAction == "RESEND" {
			return nil, errUserNotFound()
		}
		if slices.Contains(p.UsernameAttributes, "email") && !strings.Contains(in.Username, "@") && !slices.Contains(p.UsernameAttributes, "phone_number") {
			return nil, errInvalidParameter("Username should be an email.")
		}
		pw := in.TemporaryPassword
		if pw == "" {
			pw = generatePassword(p.Policy)
		} else if err := checkPassword(p.Policy, pw); err != nil {
			return nil, err
		}
		now := s.now()
		u := &User{Username: in.Username, Sub: uuid.NewString(), Status: "FORCE_CHANGE_PASSWORD", Enabled: true, Created: now, Modified: now}
		u.Attributes = append([]Attribute{{Name: "sub", Value: u.Sub}}, in.UserAttributes...)
		u.setPassword(pw, now)
		p.Users[u.Username] = u
		out = *u
		return p, nil
	})
	if err != nil {
		return User{}, err
	}
	return out, nil
}

// AdminSetUserPassword sets a password: permanent confirms the user,
// otherwise the user must change it at the next sign-in.
func (s *Service) AdminSetUserPassword(poolID, username, password string, permanent bool) *awsErr {
	if password == "" {
		return errRequired("password")
	}
	return s.write(func() (*Pool, *awsErr) {
		p, u, err := s.userIn(poolID, username)
		if err != nil {
			return nil, err
		}
		if err := checkPassword(p.Policy, password); err != nil {
			return nil, err
		}
		u.setPassword(password, s.now())
		u.Modified = s.now()
		u.Status = "FORCE_CHANGE_PASSWORD"
		if permanent {
			u.Status = "CONFIRMED"
		}
		return p, nil
	})
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
	var sub string
	if err := s.write(func() (*Pool, *awsErr) {
		p, u, err := s.userIn(poolID, username)
		if err != nil {
			return nil, err
		}
		delete(p.Users, u.Username)
		sub = u.Sub
		return p, nil
	}); err != nil {
		return err
	}
	s.usersDeleted(poolID, sub)
	return nil
}
