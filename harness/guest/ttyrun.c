// SPDX-License-Identifier: GPL-2.0
/*
 * ttyrun COMMAND...: run COMMAND with a pseudo-terminal as stdout/stderr and
 * copy what it prints to our stdout; exit with its status (128+signal if it
 * was killed).
 *
 * Upstream selftests print with stdio and fork: with stdout on a file or
 * pipe, the unflushed buffer is copied into each child and printed twice.
 * On a terminal stdout is line buffered, as when a developer runs them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct termios t;
	char buf[4096];
	int master, slave, status;
	ssize_t n;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: ttyrun COMMAND...\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("ttyrun: pty");
		return 1;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0) {
		perror("ttyrun: open pts");
		return 1;
	}
	/* No "\n" -> "\r\n", no echo: the bytes come out as written. */
	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);

	pid = fork();
	if (pid < 0) {
		perror("ttyrun: fork");
		return 1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		close(slave);
		execvp(argv[1], argv + 1);
		perror("ttyrun: exec");
		_exit(127);
	}
	close(slave);
	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EIO: every holder of the terminal has gone */
		if (write(1, buf, n) != n)
			break;
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
