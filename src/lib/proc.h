/*
 * proc: other programs, without a shell (fork and execv with an argument
 * array): finding one in PATH, telling its live process from a recycled
 * pid, running it and waiting for that first process.
 */
#ifndef PEERING_LIB_PROC_H
#define PEERING_LIB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The first executable regular file named prog in the directories of
 * path (a $PATH value; NULL: the system default), into out. Relative
 * directories are skipped: they would depend on where we stand. -1 when
 * there is none. */
int	proc_which(const char *prog, const char *path, char *out,
	    size_t outlen);
/* Whether pid is alive (not a zombie) and its command name (as in
 * /proc/PID/comm) is comm: a pid file can outlive its process and its
 * pid be reused. */
bool	proc_is_named(pid_t pid, const char *comm);
/* Runs program with argv (stdin /dev/null, stdout and stderr ours, the
 * umask mask) and waits for it: its exit status, or -1 with err when it
 * could not run or died on a signal. */
int	proc_run(const char *program, char *const argv[], mode_t mask,
	    char *err, size_t errlen);

#endif
