/*	Disk labels.	*/

#ifndef _SYS_DISKLABEL_H_
#define _SYS_DISKLABEL_H_

#include <sys/types.h>

#ifndef MAXPARTITIONS
#define	MAXPARTITIONS	16
#endif
#define	RAW_PART	3

#define	DISKMAGIC	((uint32_t)0x82564557)	/* The disk magic number */

#define	DISKUNIT(dev)	(minor(dev) / MAXPARTITIONS)
#define	DISKPART(dev)	(minor(dev) % MAXPARTITIONS)
#define	DISKMINOR(unit, part) \
    (((unit) * MAXPARTITIONS) + (part))
#define	MAKEDISKDEV(maj, unit, part) \
    (makedev((maj), DISKMINOR((unit), (part))))

struct partition {		/* the partition table */
	uint32_t p_size;	/* number of sectors in partition */
	uint32_t p_offset;	/* starting sector */
	uint32_t p_fsize;	/* filesystem basic fragment size */
	uint8_t p_fstype;	/* filesystem type, see below */
	uint8_t p_frag;		/* filesystem fragments per block */
	uint16_t p_cpg;		/* filesystem cylinders per group */
};

struct disklabel {
	uint32_t d_magic;		/* the magic number */
	uint16_t d_type;		/* drive type */
	uint16_t d_subtype;		/* controller/d_type specific */
	char	 d_typename[16];	/* type name, e.g. "eagle" */
	char	 d_packname[16];	/* pack identifier */
	uint32_t d_secsize;		/* # of bytes per sector */
	uint32_t d_nsectors;		/* # of data sectors per track */
	uint32_t d_ntracks;		/* # of tracks per cylinder */
	uint32_t d_ncylinders;		/* # of data cylinders per unit */
	uint32_t d_secpercyl;		/* # of data sectors per cylinder */
	uint32_t d_secperunit;		/* # of data sectors per unit */
	uint32_t d_rpm;			/* rotational speed */
	uint32_t d_flags;		/* generic flags */
	uint32_t d_magic2;		/* the magic number (again) */
	uint16_t d_checksum;		/* xor of data incl. partitions */
	uint16_t d_npartitions;		/* number of partitions in following */
	uint32_t d_bbsize;		/* size of boot area at sn0, bytes */
	uint32_t d_sbsize;		/* max size of fs superblock, bytes */
	struct partition d_partitions[MAXPARTITIONS];
};

#define	DTYPE_SMD		1		/* SMD, XSMD; VAX hp/up */
#define	DTYPE_SCSI		4		/* SCSI */
#define	DTYPE_VND		14		/* vnode pseudo-disk */
#define	DTYPE_LD		15		/* logical disk */

#define	FS_UNUSED	0		/* unused */
#define	FS_SWAP		1		/* swap */
#define	FS_BSDFFS	7		/* 4.2BSD fast file system */

#define	DIOCGDINFO	_IOR('d', 101, struct disklabel)/* get */
#define	DIOCSDINFO	_IOW('d', 102, struct disklabel)/* set */
#define	DIOCWDINFO	_IOW('d', 103, struct disklabel)/* set, update disk */

#ifdef _KERNEL
struct buf;
struct cpu_disklabel;
struct disk;
const char *readdisklabel(dev_t, void (*)(struct buf *), struct disklabel *,
	    struct cpu_disklabel *);
int	setdisklabel(struct disklabel *, struct disklabel *, u_long,
	    struct cpu_disklabel *);
int	writedisklabel(dev_t, void (*)(struct buf *), struct disklabel *,
	    struct cpu_disklabel *);
int	bounds_check_with_label(struct disk *, struct buf *, int);
uint16_t dkcksum(struct disklabel *);
#endif

#endif /* !_SYS_DISKLABEL_H_ */
