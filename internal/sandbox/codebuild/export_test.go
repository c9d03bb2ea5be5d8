package codebuild

import "slices"

// BuildLog returns a copy of a build's log lines so far (nil for an
// unknown build). The wire API does not carry the log (CodeBuild keeps it
// in CloudWatch Logs), so this is how tests read it.
func (s *Service) BuildLog(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.st.Builds[id]
	if !ok {
		return nil
	}
	return slices.Clone(b.Log)
}

// Image returns the image reference (uri:tag) a succeeded build recorded
// in ECR, or "" when it recorded none.
func (s *Service) Image(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.st.Builds[id]; ok {
		return b.Image
	}
	return ""
}
