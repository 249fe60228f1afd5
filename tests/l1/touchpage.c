// SPDX-License-Identifier: GPL-2.0
/*
 * Runs in the guest (L2): holds one page of its own, says which guest
 * physical page it is (from /proc/self/pagemap), and reads it once a
 * second. When the host poisons that page, the next read takes a
 * synchronous external abort; the guest's APEI code should turn it into
 * SIGBUS (BUS_MCEERR_AR) for this process, which says so and exits 0.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile uint8_t *page;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char line[128];
	int n;

	(void)sig;
	(void)uc;
	n = snprintf(line, sizeof(line), "L2-SIGBUS code=%d addr_ok=%d\n", si->si_code,
		     si->si_addr == (void *)page);
	if (write(STDOUT_FILENO, line, n) < 0)
		_exit(2);
	_exit(0);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t entry;
	unsigned int sum = 0;
	int fd;

	page = mmap(NULL, psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || mlock((void *)page, psize))
		return perror("touchpage: mmap/mlock"), 1;
	memset((void *)page, 0x5a, psize);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, 8, (uintptr_t)page / psize * 8) != 8)
		return perror("touchpage: pagemap"), 1;
	if (!(entry >> 63))
		return fprintf(stderr, "touchpage: page not present\n"), 1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	printf("L2-PAGE gpa=0x%llx\n", (unsigned long long)((entry & ((1ull << 55) - 1)) * psize));
	fflush(stdout);
	for (unsigned int i = 0; i < 600; i++) {
		for (long off = 0; off < psize; off += 64)
			sum += page[off];
		printf("L2-TOUCHED %u\n", i);
		fflush(stdout);
		sleep(1);
	}
	printf("L2-NO-SIGBUS sum=%u\n", sum);
	return 1;
}
