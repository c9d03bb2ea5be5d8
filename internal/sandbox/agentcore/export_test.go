package agentcore

// VaultLen is the number of tokens s's vault holds, for the external
// tests' "no token remains" checks.
func VaultLen(s *Service) int { return s.oauth.vault.len() }
