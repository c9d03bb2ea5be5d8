package engine

// CanRun says whether stage id could be started now, and if not, why: the
// reason Start would refuse with, without starting anything.
func (r *Runner) CanRun(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := r.planLocked(modeOne, id)
	return err
}
