package cognito

// OnUsersDeleted registers f to hear of users that no longer exist: a
// deleted user (iss and its sub) or a deleted pool (iss, sub ""). The
// sandbox wires it to the token vault, which purges the tokens held for
// those users, so nothing a deleted user consented to outlives them.
//
// Call it before the sandbox serves. f runs once the deletion is on disk,
// without the service's lock; its error is logged, not answered: the
// deletion itself succeeded.
func (s *Service) OnUsersDeleted(f func(iss, sub string) error) { s.usersGone = f }

// usersDeleted tells the registered listener; s.mu is not held.
func (s *Service) usersDeleted(poolID, sub string) {
	if s.usersGone == nil {
		return
	}
	if err := s.usersGone(Issuer(s.url, poolID), sub); err != nil {
		s.log.Warn("cognito: forget the deleted users' tokens", "pool", poolID, "sub", sub, "err", err)
	}
}
