package job

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// partialPrefix starts the name of a run's folder while it is written.
const partialPrefix = ".partial-"

// latestName names the job's latest run: a symbolic link to its folder,
// or where links cannot be made, a file holding the folder's name.
const latestName = "latest"

// removePartial removes the folders of runs that were killed before they
// completed. It is called with the job's lock held, so no run is writing
// them.
func removePartial(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), partialPrefix) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// setLatest points the job's latest at run, replacing it in one rename.
func setLatest(dir, run string) error {
	path := filepath.Join(dir, latestName)
	tmp := filepath.Join(dir, "."+latestName+".tmp")
	os.Remove(tmp)
	if err := os.Symlink(run, tmp); err != nil {
		if err := os.WriteFile(tmp, []byte(run+"\n"), 0o644); err != nil {
			return fmt.Errorf("reports: latest: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("reports: latest: %w", err)
	}
	return nil
}

// Latest returns the folder of a job's latest complete run, or "" when
// it has none.
func Latest(jobDir string) string {
	path := filepath.Join(jobDir, latestName)
	st, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	run := ""
	if st.Mode()&os.ModeSymlink != 0 {
		run, _ = os.Readlink(path)
	} else if b, err := os.ReadFile(path); err == nil {
		run = strings.TrimSpace(string(b))
	}
	if run == "" || strings.ContainsAny(run, `/\`) {
		return ""
	}
	return filepath.Join(jobDir, run)
}

// previous returns a file of the latest complete run, or "" when there
// is none.
func (r *runner) previous(name string) string {
	dir := Latest(r.dir)
	if dir == "" {
		return ""
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}
