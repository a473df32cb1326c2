/*
 * proc: running other programs without a shell: finding one in PATH,
 * telling a live process of a given name from a recycled pid, and
 * fork + execv with an argument array.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errmsg.h"

/* What execvp would search without PATH (confstr _CS_PATH plus sbin,
 * where Debian puts openvpn). */
#define DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"

static bool
is_executable(const char *file)
{
	struct stat st;

	return stat(file, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(file, X_OK) == 0;
}

int
proc_which(const char *prog, const char *path, char *out,
    size_t outlen)
{
	const char *p, *colon;
	size_t n;

	if (path == NULL)
		path = DEFAULT_PATH;
	for (p = path; *p != '\0'; p = *colon != '\0' ? colon + 1 : colon) {
		if ((colon = strchr(p, ':')) == NULL)
			colon = p + strlen(p);
		n = (size_t)(colon - p);
		if (n == 0 || p[0] != '/')
			continue;
		if (snprintf(out, outlen, "%.*s/%s", (int)n, p, prog) >=
		    (int)outlen)
			continue;
		if (is_executable(out))
			return 0;
	}
	if (outlen > 0)
		out[0] = '\0';
	return -1;
}

bool
proc_is_named(pid_t pid, const char *comm)
{
	char path[64], stat[256], *lp, *rp;
	ssize_t n;
	int fd;

	if (pid <= 0)
		return false;
	/* "PID (COMM) STATE ...": the name and, in one read, whether it is
	 * a zombie (dead, only not yet reaped). */
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return false;
	stat[n] = '\0';
	if ((lp = strchr(stat, '(')) == NULL ||
	    (rp = strrchr(stat, ')')) == NULL || rp[1] != ' ')
		return false;
	*rp = '\0';
	return strcmp(lp + 1, comm) == 0 && rp[2] != 'Z' && rp[2] != 'X';
}

/* In the child: never returns. */
static void
run_child(const char *program, char *const argv[], mode_t mask)
{
	int fd;

	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	umask(mask);
	signal(SIGPIPE, SIG_DFL);	/* `peering` ignores it */
	execv(program, argv);
	fprintf(stderr, "error: cannot run %s: %s\n", program,
	    strerror(errno));
	_exit(127);
}

int
proc_run(const char *program, char *const argv[], mode_t mask, char *err,
    size_t errlen)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == -1)
		return errmsg_fail(err, errlen, "fork: %s", strerror(errno));
	if (pid == 0)
		run_child(program, argv, mask);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return errmsg_fail(err, errlen, "waitpid: %s",
			    strerror(errno));
	if (WIFSIGNALED(status))
		return errmsg_fail(err, errlen, "%s killed by signal %d",
		    program, WTERMSIG(status));
	return WEXITSTATUS(status);
}
