/*	ELF executables (the part exec formats and their probes use).	*/

#ifndef _SYS_EXEC_ELF_H_
#define _SYS_EXEC_ELF_H_

#include <sys/types.h>
#include <machine/types.h>

typedef	uint8_t		Elf_Byte;
typedef	uint32_t	Elf32_Addr;
typedef	uint32_t	Elf32_Off;
typedef	int32_t		Elf32_Sword;
typedef	uint32_t	Elf32_Word;
typedef	uint16_t	Elf32_Half;
typedef	uint64_t	Elf64_Addr;
typedef	uint64_t	Elf64_Off;
typedef	int32_t		Elf64_Shalf;
typedef	int32_t		Elf64_Sword;
typedef	uint32_t	Elf64_Word;
typedef	int64_t		Elf64_Sxword;
typedef	uint64_t	Elf64_Xword;
typedef	uint16_t	Elf64_Half;

#define	ELF_NIDENT	16

typedef struct {
	unsigned char	e_ident[ELF_NIDENT];	/* Id bytes */
	Elf32_Half	e_type;			/* file type */
	Elf32_Half	e_machine;		/* machine type */
	Elf32_Word	e_version;		/* version number */
	Elf32_Addr	e_entry;		/* entry point */
	Elf32_Off	e_phoff;		/* Program hdr offset */
	Elf32_Off	e_shoff;		/* Section hdr offset */
	Elf32_Word	e_flags;		/* Processor flags */
	Elf32_Half	e_ehsize;		/* sizeof ehdr */
	Elf32_Half	e_phentsize;		/* Program header entry size */
	Elf32_Half	e_phnum;		/* Number of program headers */
	Elf32_Half	e_shentsize;		/* Section header entry size */
	Elf32_Half	e_shnum;		/* Number of section headers */
	Elf32_Half	e_shstrndx;		/* String table index */
} Elf32_Ehdr;

typedef struct {
	unsigned char	e_ident[ELF_NIDENT];	/* Id bytes */
	Elf64_Half	e_type;			/* file type */
	Elf64_Half	e_machine;		/* machine type */
	Elf64_Word	e_version;		/* version number */
	Elf64_Addr	e_entry;		/* entry point */
	Elf64_Off	e_phoff;		/* Program hdr offset */
	Elf64_Off	e_shoff;		/* Section hdr offset */
	Elf64_Word	e_flags;		/* Processor flags */
	Elf64_Half	e_ehsize;		/* sizeof ehdr */
	Elf64_Half	e_phentsize;		/* Program header entry size */
	Elf64_Half	e_phnum;		/* Number of program headers */
	Elf64_Half	e_shentsize;		/* Section header entry size */
	Elf64_Half	e_shnum;		/* Number of section headers */
	Elf64_Half	e_shstrndx;		/* String table index */
} Elf64_Ehdr;

#define	ELFMAG0		0x7f
#define	ELFMAG1		'E'
#define	ELFMAG2		'L'
#define	ELFMAG3		'F'
#define	ELFMAG		"\177ELF"
#define	SELFMAG		4

#define	ET_NONE		0
#define	ET_REL		1
#define	ET_EXEC		2
#define	ET_DYN		3
#define	ET_CORE		4

#define	ELFOSABI_SYSV		0
#define	ELFOSABI_LINUX		3
#define	ELFOSABI_FREEBSD	9

#define	ELF_NOTE_NETBSD_NAME		"NetBSD\0\0"
#define	ELF_NOTE_TYPE_NETBSD_TAG	1

/*
 * ELFSIZE picks the Elf_* names: a file that handles one size defines it before including
 * this header (exec_elf32.c, a Makefile's -DELFSIZE=32); otherwise the port's native size,
 * ARCH_ELFSIZE of <machine/elf_machdep.h>.
 */
#ifdef __LP64__
#define	ARCH_ELFSIZE	64
#else
#define	ARCH_ELFSIZE	32
#endif
#if !defined(ELFSIZE)
#define	ELFSIZE		ARCH_ELFSIZE
#endif

#if ELFSIZE == 32
#define	Elf_Ehdr	Elf32_Ehdr
#elif ELFSIZE == 64
#define	Elf_Ehdr	Elf64_Ehdr
#endif

#define	ELF_AUX_ENTRIES	14	/* Max size of aux array passed to loader */
#define	ELF32_AUXSIZE	(ELF_AUX_ENTRIES * 2 * sizeof(Elf32_Word))
#define	ELF64_AUXSIZE	(ELF_AUX_ENTRIES * 2 * sizeof(Elf64_Word))

#ifdef _KERNEL
struct lwp;
struct exec_package;
struct ps_strings;

int	exec_elf32_makecmds(struct lwp *, struct exec_package *);
int	elf32_copyargs(struct lwp *, struct exec_package *,
	    struct ps_strings *, char **, void *);
int	coredump_elf32(struct lwp *, void *);
int	netbsd_elf32_probe(struct lwp *, struct exec_package *, void *,
	    char *, vaddr_t *);

int	exec_elf64_makecmds(struct lwp *, struct exec_package *);
int	elf64_copyargs(struct lwp *, struct exec_package *,
	    struct ps_strings *, char **, void *);
int	coredump_elf64(struct lwp *, void *);
int	netbsd_elf64_probe(struct lwp *, struct exec_package *, void *,
	    char *, vaddr_t *);
#endif /* _KERNEL */

#endif /* !_SYS_EXEC_ELF_H_ */
