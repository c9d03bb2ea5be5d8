package session

// SetStage replaces the record of stage id: one stage's SetStages, for
// tests that set up a single stage.
func (s *Session) SetStage(id string, rec StageRecord) error {
	return s.SetStages(map[string]StageRecord{id: rec})
}
