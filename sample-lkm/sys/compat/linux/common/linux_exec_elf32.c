/*	$NetBSD: linux_exec_elf32.c,v 1.78 2006/11/16 01:32:42 christos Exp $	*/

/*-
 * Copyright (c) 1995, 1998 The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation
 * by Christos Zoulas, Frank van der Linden and Eric Haszlakiewicz.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE NETBSD FOUNDATION, INC. AND CONTRIBUTORS
 * ``AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED
 * TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
 * PURPOSE ARE DISCLAIMED.  IN NO EVENT SHALL THE FOUNDATION OR CONTRIBUTORS
 * BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
 * CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
 * SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 * INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
 * CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
 * ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * based on exec_aout.c, sunos_exec.c and svr4_exec.c
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/lwp.h>
#include <sys/malloc.h>
#include <sys/kauth.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/exec.h>
#include <sys/exec_elf.h>

#include <compat/linux/common/linux_types.h>
#include <compat/linux/common/linux_exec.h>

/* Section header, as far as the probe needs it */
typedef struct {
	Elf32_Word	sh_name;
	Elf32_Word	sh_type;
	Elf32_Word	sh_flags;
	Elf32_Addr	sh_addr;
	Elf32_Off	sh_offset;
	Elf32_Word	sh_size;
	Elf32_Word	sh_link;
	Elf32_Word	sh_info;
	Elf32_Word	sh_addralign;
	Elf32_Word	sh_entsize;
} linux_elf32_shdr;

#define	SHT_NOTE	7

/* Aux vector types Linux's ld.so looks at */
#define	AT_NULL		0
#define	AT_PHDR		3
#define	AT_PHENT	4
#define	AT_PHNUM	5
#define	AT_PAGESZ	6
#define	AT_BASE		7
#define	AT_FLAGS	8
#define	AT_ENTRY	9
#define	AT_UID		11
#define	AT_EUID		12
#define	AT_GID		13
#define	AT_EGID		14
#define	AT_CLKTCK	17

static int linux_elf32_signature(struct lwp *, struct exec_package *,
    Elf32_Ehdr *);

/*
 * Look for a .note.ABI-tag section naming GNU: every glibc binary has
 * one, and it is the only reliable mark of a Linux ELF file when the
 * OSABI byte says SYSV.
 */
static int
linux_elf32_signature(struct lwp *l, struct exec_package *epp,
    Elf32_Ehdr *eh)
{
	size_t shsize;
	linux_elf32_shdr *sh;
	int error, i;
	char *notes;

	if (eh->e_shnum > 64 || eh->e_shnum == 0)
		return (ENOEXEC);

	shsize = eh->e_shnum * sizeof(linux_elf32_shdr);
	sh = malloc(shsize, M_TEMP, M_WAITOK);
	error = exec_read_from(l, epp->ep_vp, eh->e_shoff, sh, shsize);
	if (error)
		goto out;

	error = ENOEXEC;
	for (i = 0; i < eh->e_shnum; i++) {
		linux_elf32_shdr *s = &sh[i];

		if (s->sh_type != SHT_NOTE || s->sh_size < 16 ||
		    s->sh_size > 1024)
			continue;

		notes = malloc(s->sh_size, M_TEMP, M_WAITOK);
		if (exec_read_from(l, epp->ep_vp, s->sh_offset, notes,
		    s->sh_size) == 0 &&
		    memcmp(notes + 12, LINUX_ELF_NOTE_NAME,
		    sizeof(LINUX_ELF_NOTE_NAME)) == 0)
			error = 0;
		free(notes, M_TEMP);
		if (error == 0)
			break;
	}
out:
	free(sh, M_TEMP);
	return (error);
}

int
linux_elf32_probe(struct lwp *l, struct exec_package *epp, void *eh,
    char *itp, vaddr_t *pos)
{
	Elf32_Ehdr *ehp = eh;
	int error;

	if (ehp->e_ident[7] != ELFOSABI_LINUX &&
	    (error = linux_elf32_signature(l, epp, ehp)) != 0)
		return (error);

	/* Interpreter paths are looked up under /emul/linux first. */
	if (itp != NULL && itp[0] != '\0' && epp->ep_emul_root == NULL)
		return (ENOEXEC);

	*pos = 0;
	return (0);
}

/*
 * Copy arguments onto the stack, then Linux's auxiliary vector.
 */
int
linux_elf32_copyargs(struct lwp *l, struct exec_package *pack,
    struct ps_strings *arginfo, char **stackp, void *argp)
{
	Aux32Info ai[LINUX_ELF_AUX_ENTRIES], *a;
	size_t len;
	int error;

	if ((error = copyargs(l, pack, arginfo, stackp, argp)) != 0)
		return (error);

	memset(ai, 0, sizeof(ai));
	a = ai;

	a->a_type = AT_PAGESZ;
	a->a_v = PAGE_SIZE;
	a++;

	a->a_type = AT_FLAGS;
	a->a_v = 0;
	a++;

	a->a_type = AT_ENTRY;
	a->a_v = pack->ep_entry;
	a++;

	a->a_type = AT_CLKTCK;
	a->a_v = hz;
	a++;

	a->a_type = AT_UID;
	a->a_v = kauth_cred_getuid(l->l_cred);
	a++;

	a->a_type = AT_EUID;
	a->a_v = kauth_cred_geteuid(l->l_cred);
	a++;

	a->a_type = AT_GID;
	a->a_v = kauth_cred_getgid(l->l_cred);
	a++;

	a->a_type = AT_EGID;
	a->a_v = kauth_cred_getegid(l->l_cred);
	a++;

	a->a_type = AT_NULL;
	a->a_v = 0;
	a++;

	len = (a - ai) * sizeof(Aux32Info);
	if ((error = copyout(ai, *stackp, len)) != 0)
		return (error);
	*stackp += len;
	return (0);
}
