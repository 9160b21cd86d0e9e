# The two commands of README.md. Both bring Node.js >= 22 and yarn 4 when the machine
# lacks them (into .tools/, git-ignored) and install dependencies only when yarn.lock
# or a package manifest changed. See DEVELOPERS.md.

.PHONY: start test install

# Backend on :7007 and frontend on :3000, embedded SQLite, example data loaded.
start:
	@scripts/bootstrap.sh yarn start

# Type check, lint, formatting, every unit/integration test suite and the browser tests.
test:
	@scripts/bootstrap.sh scripts/test.sh

# Only bring the toolchain and dependencies.
install:
	@scripts/bootstrap.sh true
