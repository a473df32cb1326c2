#include "ovpn_proc.h"

#include "../lib/proc.h"

int
ovpn_proc_which(const char *prog, const char *path, char *out,
    size_t outlen)
{
	return proc_which(prog, path, out, outlen);
}

bool
ovpn_proc_is_openvpn(pid_t pid)
{
	return proc_is_named(pid, OVPN_PROGRAM);
}

int
ovpn_proc_start(const char *program, const char *dir, const char *conf,
    const char *daemon_name, char *err, size_t errlen)
{
	/* OpenVPN makes its management socket 0777: only root may use it. */
	char *argv[] = { (char *)OVPN_PROGRAM, (char *)"--cd", (char *)dir,
	    (char *)"--config", (char *)conf,
	    (char *)"--management-client-user", (char *)"root",
	    (char *)"--daemon", (char *)daemon_name, NULL };

	if (daemon_name == NULL)
		argv[7] = NULL;
	/* The management socket, log and pid file: root's alone. */
	return proc_run(program, argv, 077, err, errlen);
}
