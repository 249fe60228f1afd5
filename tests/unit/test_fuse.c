// SPDX-License-Identifier: GPL-2.0
/*
 * The FUSE server on a real directory made for each test: requests laid
 * out by hand from the kernel's UAPI structures, as a virtio-fs driver
 * sends them, and the host's view checked with plain system calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse/server.h"
#include "tests/unit/helpers.h"

static const struct fuse_getattr_in no_fh;

struct fixture {
	char dir[64];		/* the shared folder */
	char outside[80];	/* a file beside it, which the guest must not reach */
	struct fuse_server s;
	uint8_t reply[FUSE_REPLY_MAX + 64];
	struct fuse_out_header out;	/* the last reply's header */
	const uint8_t *payload;
	size_t payload_len;
	size_t reply_room;	/* the writable bytes the next request offers */
};

static char *path_in(struct fixture *f, const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", f->dir, name);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *read_file(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

/* Send one request: @args (and @data, WRITE's) after a header; the error. */
static int request_data(struct fixture *f, uint32_t opcode, uint64_t node, const void *args,
			size_t args_len, const void *data, size_t data_len)
{
	size_t len = sizeof(struct fuse_in_header) + args_len + data_len;
	uint8_t *req = malloc(len);	/* exact: ASan sees any overread */
	struct fuse_in_header h = { .len = len, .opcode = opcode, .unique = 77, .nodeid = node };
	struct iovec in = { req, len }, out = { f->reply, f->reply_room };
	size_t n;

	memcpy(req, &h, sizeof(h));
	if (args_len)
		memcpy(req + sizeof(h), args, args_len);
	if (data_len)
		memcpy(req + sizeof(h) + args_len, data, data_len);
	memset(f->reply, 0xa5, sizeof(f->reply));
	n = fuse_server_handle(&f->s, &in, 1, len, &out, 1, f->reply_room);
	free(req);
	f->reply_room = sizeof(f->reply);
	if (!n)
		return 1;	/* no reply at all */
	memcpy(&f->out, f->reply, sizeof(f->out));
	assert_int_equal(f->out.len, n);
	assert_int_equal(f->out.unique, 77);
	f->payload = f->reply + sizeof(f->out);
	f->payload_len = n - sizeof(f->out);
	if (f->out.error)
		assert_int_equal(f->payload_len, 0);
	return f->out.error;
}

static int request(struct fixture *f, uint32_t opcode, uint64_t node, const void *args,
		   size_t args_len)
{
	return request_data(f, opcode, node, args, args_len, NULL, 0);
}

/* Arguments then a name, or two names, as one buffer. */
static size_t with_names(uint8_t *buf, const void *args, size_t args_len, const char *a,
			 const char *b)
{
	size_t n = args_len;

	if (args_len)
		memcpy(buf, args, args_len);
	memcpy(buf + n, a, strlen(a) + 1);
	n += strlen(a) + 1;
	if (b) {
		memcpy(buf + n, b, strlen(b) + 1);
		n += strlen(b) + 1;
	}
	return n;
}

static void do_init(struct fixture *f)
{
	struct fuse_init_in in = {
		.major = 7, .minor = 41, .max_readahead = 65536,
		.flags = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_DO_READDIRPLUS | FUSE_MAX_PAGES |
			 FUSE_WRITEBACK_CACHE,
	};

	assert_int_equal(request(f, FUSE_INIT, 0, &in, sizeof(in)), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char why[200];

	strcpy(f->dir, "/tmp/lkvm-fuse-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->outside, sizeof(f->outside), "%s-outside", f->dir);
	write_file(f->outside, "secret\n");
	write_file(path_in(f, "hello"), "hello from the host\n");
	assert_int_equal(mkdir(path_in(f, "sub"), 0755), 0);
	write_file(path_in(f, "sub/inner"), "inner\n");
	assert_int_equal(symlink(f->outside, path_in(f, "abs-link")), 0);
	assert_int_equal(symlink("../", path_in(f, "dotdot-link")), 0);
	assert_int_equal(mkfifo(path_in(f, "fifo"), 0644), 0);
	assert_int_equal(fuse_server_init(&f->s, f->dir, false, 64, why, sizeof(why)), 0);
	f->reply_room = sizeof(f->reply);
	do_init(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];

	fuse_server_destroy(&f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", f->dir, f->outside);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static uint64_t lookup(struct fixture *f, uint64_t dir, const char *name, int *err)
{
	struct fuse_entry_out e;

	*err = request(f, FUSE_LOOKUP, dir, name, strlen(name) + 1);
	if (*err)
		return 0;
	assert_int_equal(f->payload_len, sizeof(e));
	memcpy(&e, f->payload, sizeof(e));
	return e.nodeid;
}

static uint64_t open_node(struct fixture *f, uint64_t node, uint32_t flags, int *err)
{
	struct fuse_open_in in = { .flags = flags };
	struct fuse_open_out out;

	*err = request(f, FUSE_OPEN, node, &in, sizeof(in));
	if (*err)
		return 0;
	memcpy(&out, f->payload, sizeof(out));
	return out.fh;
}

static void test_init(void **state)
{
	struct fixture *f = *state;
	struct fuse_init_in in = { .major = 7, .minor = 41, .flags = FUSE_POSIX_LOCKS };
	struct fuse_init_out out;

	/* Only what the driver asked for, and never locks or writeback. */
	assert_int_equal(request(f, FUSE_INIT, 0, &in, sizeof(in)), 0);
	memcpy(&out, f->payload, sizeof(out));
	assert_int_equal(out.major, 7);
	assert_int_equal(out.minor, 38);
	assert_int_equal(out.flags, 0);
	in.flags = FUSE_DO_READDIRPLUS | FUSE_WRITEBACK_CACHE | FUSE_MAX_PAGES;
	assert_int_equal(request(f, FUSE_INIT, 0, &in, sizeof(in)), 0);
	memcpy(&out, f->payload, sizeof(out));
	assert_int_equal(out.flags, FUSE_DO_READDIRPLUS | FUSE_MAX_PAGES);
	assert_true(out.max_write >= 128 * 1024);
	assert_int_equal(out.max_write, out.max_pages * 4096);
	in.minor = 30;
	assert_int_equal(request(f, FUSE_INIT, 0, &in, sizeof(in)), -EPROTO);
	in.major = 8;
	assert_int_equal(request(f, FUSE_INIT, 0, &in, sizeof(in)), -EPROTO);
	/* Once unmounted, nothing but INIT is served. */
	assert_int_equal(request(f, FUSE_DESTROY, 0, NULL, 0), 0);
	assert_int_equal(request(f, FUSE_GETATTR, FUSE_ROOT_ID, &no_fh, sizeof(no_fh)), -EIO);
	do_init(f);
	assert_int_equal(request(f, FUSE_GETATTR, FUSE_ROOT_ID, &no_fh, sizeof(no_fh)), 0);
}

static void test_read_a_host_file(void **state)
{
	struct fixture *f = *state;
	int err;
	uint64_t node = lookup(f, FUSE_ROOT_ID, "hello", &err), fh;
	struct fuse_read_in rd = { .size = 4096 };
	struct fuse_attr_out attr;

	assert_int_equal(err, 0);
	assert_int_equal(request(f, FUSE_GETATTR, node, &no_fh, sizeof(no_fh)), 0);
	memcpy(&attr, f->payload, sizeof(attr));
	assert_int_equal(attr.attr.size, strlen("hello from the host\n"));
	assert_true(S_ISREG(attr.attr.mode));
	fh = open_node(f, node, O_RDONLY, &err);
	assert_int_equal(err, 0);
	rd.fh = fh;
	assert_int_equal(request(f, FUSE_READ, node, &rd, sizeof(rd)), 0);
	assert_int_equal(f->payload_len, strlen("hello from the host\n"));
	assert_memory_equal(f->payload, "hello from the host\n", f->payload_len);
	/* The same inode by two lookups: one node. */
	assert_int_equal(lookup(f, FUSE_ROOT_ID, "hello", &err), node);
	/* A read larger than the room the driver gave. */
	rd.size = 100;
	f->reply_room = 16 + 99;
	assert_int_equal(request(f, FUSE_READ, node, &rd, sizeof(rd)), -EINVAL);
	struct fuse_release_in rel = { .fh = fh };

	assert_int_equal(request(f, FUSE_RELEASE, node, &rel, sizeof(rel)), 0);
	assert_int_equal(request(f, FUSE_READ, node, &rd, sizeof(rd)), -EBADF);
	assert_int_equal(request(f, FUSE_RELEASE, node, &rel, sizeof(rel)), -EBADF);
}

static uint64_t create(struct fixture *f, uint64_t dir, const char *name, uint64_t *fh)
{
	struct fuse_create_in in = { .flags = O_RDWR, .mode = 0640 };
	uint8_t buf[300];
	struct fuse_entry_out e;
	struct fuse_open_out o;

	assert_int_equal(request(f, FUSE_CREATE, dir, buf, with_names(buf, &in, sizeof(in), name,
								       NULL)), 0);
	assert_int_equal(f->payload_len, sizeof(e) + sizeof(o));
	memcpy(&e, f->payload, sizeof(e));
	memcpy(&o, f->payload + sizeof(e), sizeof(o));
	*fh = o.fh;
	return e.nodeid;
}

static void test_write_rename_delete(void **state)
{
	struct fixture *f = *state;
	struct fuse_write_in wr = { .offset = 0, .size = 11 };
	struct fuse_write_out wout;
	struct fuse_rename_in rn = { .newdir = FUSE_ROOT_ID };
	uint8_t buf[300];
	uint64_t fh, node = create(f, FUSE_ROOT_ID, "new", &fh), sub;
	struct stat st;
	int err;

	wr.fh = fh;
	assert_int_equal(request_data(f, FUSE_WRITE, node, &wr, sizeof(wr), "from guest\n", 11), 0);
	memcpy(&wout, f->payload, sizeof(wout));
	assert_int_equal(wout.size, 11);
	assert_string_equal(read_file(path_in(f, "new")), "from guest\n");
	assert_int_equal(stat(path_in(f, "new"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* A WRITE whose size is not the data it carries. */
	wr.size = 12;
	assert_int_equal(request_data(f, FUSE_WRITE, node, &wr, sizeof(wr), "from guest\n", 11),
			 -EINVAL);
	/* Rename into a subdirectory, then away. */
	sub = lookup(f, FUSE_ROOT_ID, "sub", &err);
	rn.newdir = sub;
	assert_int_equal(request(f, FUSE_RENAME, FUSE_ROOT_ID, buf,
				 with_names(buf, &rn, sizeof(rn), "new", "moved")), 0);
	assert_string_equal(read_file(path_in(f, "sub/moved")), "from guest\n");
	assert_null(read_file(path_in(f, "new")));
	struct fuse_rename2_in rn2 = { .newdir = sub, .flags = RENAME_NOREPLACE };

	assert_int_equal(request(f, FUSE_RENAME2, sub, buf,
				 with_names(buf, &rn2, sizeof(rn2), "moved", "inner")), -EEXIST);
	rn2.flags = RENAME_WHITEOUT;
	assert_int_equal(request(f, FUSE_RENAME2, sub, buf,
				 with_names(buf, &rn2, sizeof(rn2), "moved", "x")), -EINVAL);
	assert_int_equal(request(f, FUSE_UNLINK, sub, "moved", 6), 0);
	assert_null(read_file(path_in(f, "sub/moved")));
	/* mkdir, then rmdir. */
	struct fuse_mkdir_in mk = { .mode = 0700 };

	assert_int_equal(request(f, FUSE_MKDIR, FUSE_ROOT_ID, buf,
				 with_names(buf, &mk, sizeof(mk), "made", NULL)), 0);
	assert_int_equal(stat(path_in(f, "made"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(request(f, FUSE_RMDIR, FUSE_ROOT_ID, "made", 5), 0);
	assert_int_not_equal(stat(path_in(f, "made"), &st), 0);
	assert_int_equal(request(f, FUSE_RMDIR, FUSE_ROOT_ID, "sub", 4), -ENOTEMPTY);
}

static void test_links_and_attributes(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[300];
	struct fuse_link_in ln;
	struct fuse_setattr_in sa = { .valid = FATTR_SIZE | FATTR_MODE | FATTR_MTIME,
				      .size = 5, .mode = 0600, .mtime = 1000000000 };
	struct stat st;
	char target[64];
	int err;
	uint64_t hello = lookup(f, FUSE_ROOT_ID, "hello", &err), link;

	assert_int_equal(request(f, FUSE_SYMLINK, FUSE_ROOT_ID, buf,
				 with_names(buf, NULL, 0, "sl", "some/where")), 0);
	assert_int_equal(readlink(path_in(f, "sl"), target, sizeof(target)), 10);
	link = lookup(f, FUSE_ROOT_ID, "sl", &err);
	assert_int_equal(request(f, FUSE_READLINK, link, NULL, 0), 0);
	assert_int_equal(f->payload_len, 10);
	assert_memory_equal(f->payload, "some/where", 10);
	ln.oldnodeid = hello;
	assert_int_equal(request(f, FUSE_LINK, FUSE_ROOT_ID, buf,
				 with_names(buf, &ln, sizeof(ln), "hard", NULL)), 0);
	assert_int_equal(stat(path_in(f, "hard"), &st), 0);
	assert_int_equal(st.st_nlink, 2);
	/* A hard link to a symlink links the symlink, not what it names. */
	ln.oldnodeid = lookup(f, FUSE_ROOT_ID, "abs-link", &err);
	assert_int_equal(request(f, FUSE_LINK, FUSE_ROOT_ID, buf,
				 with_names(buf, &ln, sizeof(ln), "hard-sl", NULL)), 0);
	assert_int_equal(lstat(path_in(f, "hard-sl"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(request(f, FUSE_SETATTR, hello, &sa, sizeof(sa)), 0);
	assert_int_equal(stat(path_in(f, "hello"), &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_mtime, 1000000000);
	sa.valid = FATTR_MODE;
	assert_int_equal(request(f, FUSE_SETATTR, link, &sa, sizeof(sa)), -EOPNOTSUPP);
	assert_int_equal(request(f, FUSE_STATFS, FUSE_ROOT_ID, NULL, 0), 0);
	assert_int_equal(f->payload_len, sizeof(struct fuse_statfs_out));
}

/* Names in a directory's listing, each "name," in order. */
static void list_dir(struct fixture *f, uint64_t dir, bool plus, char *names, size_t len)
{
	struct fuse_open_in oi = { 0 };
	struct fuse_open_out oo;
	struct fuse_read_in rd = { .size = 4096 };
	size_t used = 0;

	names[0] = 0;
	assert_int_equal(request(f, FUSE_OPENDIR, dir, &oi, sizeof(oi)), 0);
	memcpy(&oo, f->payload, sizeof(oo));
	rd.fh = oo.fh;
	for (;;) {
		size_t pos = 0;

		assert_int_equal(request(f, plus ? FUSE_READDIRPLUS : FUSE_READDIR, dir, &rd,
					 sizeof(rd)), 0);
		if (!f->payload_len)
			break;
		while (pos < f->payload_len) {
			struct fuse_entry_out e;
			struct fuse_dirent d;
			size_t head = plus ? sizeof(e) : 0;

			memcpy(&e, f->payload + pos, plus ? sizeof(e) : 0);
			memcpy(&d, f->payload + pos + head, sizeof(d));
			if (plus && strncmp((char *)f->payload + pos + head + FUSE_NAME_OFFSET, ".",
					    d.namelen ? 1 : 0))
				assert_int_not_equal(e.nodeid, 0);
			used += snprintf(names + used, len - used, "%.*s,", (int)d.namelen,
					 f->payload + pos + head + FUSE_NAME_OFFSET);
			pos += plus ? FUSE_DIRENTPLUS_SIZE((struct fuse_direntplus *)
							   (f->payload + pos)) :
				      FUSE_DIRENT_SIZE(&d);
			rd.offset = d.off;
		}
	}
	struct fuse_release_in rel = { .fh = oo.fh };

	assert_int_equal(request(f, FUSE_RELEASEDIR, dir, &rel, sizeof(rel)), 0);
}

static void test_readdir(void **state)
{
	struct fixture *f = *state;
	char names[16384], why[200];
	uint64_t sub;
	int err;

	/* Room for READDIRPLUS's 300 lookups. */
	fuse_server_destroy(&f->s);
	assert_int_equal(fuse_server_init(&f->s, f->dir, false, 1024, why, sizeof(why)), 0);
	do_init(f);
	sub = lookup(f, FUSE_ROOT_ID, "sub", &err);

	for (int i = 0; i < 300; i++) {
		char name[40];

		snprintf(name, sizeof(name), "sub/a-rather-long-file-name-%03d", i);
		write_file(path_in(f, name), "");
	}
	list_dir(f, FUSE_ROOT_ID, false, names, sizeof(names));
	assert_non_null(strstr(names, "hello,"));
	assert_non_null(strstr(names, "abs-link,"));
	/* More entries than one reply holds: every one, once, across replies. */
	list_dir(f, sub, true, names, sizeof(names));
	assert_null(strstr(names, "a-rather-long-file-name-300"));
	for (int i = 0; i < 300; i++) {
		char name[40];

		snprintf(name, sizeof(name), ",a-rather-long-file-name-%03d,", i);
		assert_non_null(strstr(names, name + 1));
	}
	assert_non_null(strstr(names, "inner,"));
}

/* Nothing the guest names leads outside the folder. */
static void test_confined(void **state)
{
	struct fixture *f = *state;
	int err;
	uint64_t node;

	assert_int_equal(lookup(f, FUSE_ROOT_ID, "..", &err), 0);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(lookup(f, FUSE_ROOT_ID, ".", &err), 0);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(lookup(f, FUSE_ROOT_ID, "sub/inner", &err), 0);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(lookup(f, FUSE_ROOT_ID, "", &err), 0);
	assert_int_equal(err, -EINVAL);
	/* A name without its NUL. */
	assert_int_equal(request(f, FUSE_LOOKUP, FUSE_ROOT_ID, "hello", 5), -EINVAL);
	/* A symlink to a host file outside: the symlink, never its target. */
	node = lookup(f, FUSE_ROOT_ID, "abs-link", &err);
	assert_int_equal(err, 0);
	assert_true(S_ISLNK(((struct fuse_entry_out *)f->payload)->attr.mode));
	assert_int_equal(open_node(f, node, O_RDONLY, &err), 0);
	assert_int_equal(err, -EACCES);
	/* Through a symlink to "..": not a directory to look in. */
	node = lookup(f, FUSE_ROOT_ID, "dotdot-link", &err);
	assert_int_equal(err, 0);
	assert_int_equal(lookup(f, node, "lkvm-fuse-outside", &err), 0);
	assert_int_equal(err, -ENOTDIR);
	/* A FIFO is never opened: the open would block lkvm's thread. */
	node = lookup(f, FUSE_ROOT_ID, "fifo", &err);
	assert_int_equal(err, 0);
	assert_int_equal(open_node(f, node, O_RDONLY, &err), 0);
	assert_int_equal(err, -EACCES);
	/* Node IDs that were never handed out. */
	assert_int_equal(request(f, FUSE_GETATTR, 12345, &no_fh, sizeof(no_fh)), -ESTALE);
	assert_int_equal(request(f, FUSE_GETATTR, 0, &no_fh, sizeof(no_fh)), -ESTALE);
	assert_string_equal(read_file(f->outside), "secret\n");
}

static void test_read_only(void **state)
{
	struct fixture *f = *state;
	struct fuse_mkdir_in mk = { .mode = 0700 };
	struct fuse_setattr_in sa = { .valid = FATTR_SIZE };
	uint8_t buf[300];
	char why[200];
	int err;
	uint64_t node;

	fuse_server_destroy(&f->s);
	assert_int_equal(fuse_server_init(&f->s, f->dir, true, 64, why, sizeof(why)), 0);
	do_init(f);
	node = lookup(f, FUSE_ROOT_ID, "hello", &err);
	assert_int_equal(open_node(f, node, O_RDWR, &err), 0);
	assert_int_equal(err, -EROFS);
	assert_int_equal(open_node(f, node, O_RDONLY | O_TRUNC, &err), 0);
	assert_int_equal(err, -EROFS);
	assert_int_not_equal(open_node(f, node, O_RDONLY, &err), 0);
	assert_int_equal(request(f, FUSE_MKDIR, FUSE_ROOT_ID, buf,
				 with_names(buf, &mk, sizeof(mk), "made", NULL)), -EROFS);
	assert_int_equal(request(f, FUSE_UNLINK, FUSE_ROOT_ID, "hello", 6), -EROFS);
	assert_int_equal(request(f, FUSE_SETATTR, node, &sa, sizeof(sa)), -EROFS);
	struct fuse_create_in cr = { .flags = O_WRONLY, .mode = 0600 };

	assert_int_equal(request(f, FUSE_CREATE, FUSE_ROOT_ID, buf,
				 with_names(buf, &cr, sizeof(cr), "new", NULL)), -EROFS);
	assert_string_equal(read_file(path_in(f, "hello")), "hello from the host\n");
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	struct fuse_forget_in fg = { .nlookup = 1 };
	uint8_t req[64] = { 0 };
	struct fuse_in_header h = { .len = 41, .opcode = FUSE_GETATTR, .unique = 77, .nodeid = 1 };
	struct iovec in = { req, 40 }, out = { f->reply, 15 };
	int err;

	/* The header's length is not the request's. */
	memcpy(req, &h, sizeof(h));
	out.iov_len = sizeof(f->reply);
	assert_true(fuse_server_handle(&f->s, &in, 1, 40, &out, 1, sizeof(f->reply)) > 0);
	memcpy(&f->out, f->reply, sizeof(f->out));
	assert_int_equal(f->out.error, -EINVAL);
	/* No room for a reply's header: nothing written. */
	h.len = 40;
	memcpy(req, &h, sizeof(h));
	out.iov_len = 15;
	memset(f->reply, 0, 16);
	assert_int_equal(fuse_server_handle(&f->s, &in, 1, 40, &out, 1, 15), 0);
	assert_int_equal(f->reply[0], 0);
	/* Shorter than a header. */
	assert_int_equal(fuse_server_handle(&f->s, &in, 1, 39, &out, 1, 15), 0);
	/* Unknown and unimplemented operations. */
	assert_int_equal(request(f, 4000, FUSE_ROOT_ID, NULL, 0), -ENOSYS);
	assert_int_equal(request(f, FUSE_GETXATTR, FUSE_ROOT_ID, NULL, 0), -ENOSYS);
	assert_int_equal(request(f, FUSE_MKNOD, FUSE_ROOT_ID, NULL, 0), -ENOSYS);
	/* Arguments cut short. */
	assert_int_equal(request(f, FUSE_READ, FUSE_ROOT_ID, &fg, 8), -EINVAL);
	/* A request longer than lkvm copies, and not a WRITE. */
	uint8_t *big = calloc(1, FUSE_REQ_MAX);

	assert_int_equal(request(f, FUSE_LOOKUP, FUSE_ROOT_ID, big, FUSE_REQ_MAX), -E2BIG);
	free(big);
	/* FORGET has no reply; a forgotten node is gone, the root never. */
	uint64_t node = lookup(f, FUSE_ROOT_ID, "hello", &err);

	assert_int_equal(request(f, FUSE_FORGET, node, &fg, sizeof(fg)), 1);
	assert_int_equal(request(f, FUSE_GETATTR, node, &no_fh, sizeof(no_fh)), -ESTALE);
	fg.nlookup = 1000;
	assert_int_equal(request(f, FUSE_FORGET, FUSE_ROOT_ID, &fg, sizeof(fg)), 1);
	assert_int_equal(request(f, FUSE_GETATTR, FUSE_ROOT_ID, &no_fh, sizeof(no_fh)), 0);
	/* BATCH_FORGET claiming more entries than it carries. */
	struct {
		struct fuse_batch_forget_in in;
		struct fuse_forget_one one;
	} batch = { { .count = 1000 }, { .nodeid = lookup(f, FUSE_ROOT_ID, "hello", &err),
					 .nlookup = 1 } };

	assert_int_equal(request(f, FUSE_BATCH_FORGET, 0, &batch, sizeof(batch)), 1);
	assert_int_equal(request(f, FUSE_GETATTR, batch.one.nodeid, &no_fh, sizeof(no_fh)), -ESTALE);
}

/* The table of nodes is bounded; what FORGET frees is used again. */
static void test_bounded(void **state)
{
	struct fixture *f = *state;
	struct fuse_forget_in fg = { .nlookup = 1 };
	char name[40];
	uint64_t first = 0;
	int err, i;

	for (i = 0; i < 100; i++) {
		uint64_t node;

		snprintf(name, sizeof(name), "f%d", i);
		write_file(path_in(f, name), "");
		node = lookup(f, FUSE_ROOT_ID, name, &err);
		if (err)
			break;
		first = first ?: node;
	}
	assert_int_equal(i, 63);	/* 64 nodes, the root's one of them */
	assert_int_equal(err, -ENFILE);
	assert_int_equal(request(f, FUSE_FORGET, first, &fg, sizeof(fg)), 1);
	assert_int_not_equal(lookup(f, FUSE_ROOT_ID, name, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_a_host_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_rename_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_and_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
