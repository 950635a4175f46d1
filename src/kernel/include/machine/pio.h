/*	Programmed I/O port access (x86 in/out instructions).	*/

#ifndef _MACHINE_PIO_H_
#define _MACHINE_PIO_H_

#include <sys/types.h>

uint8_t	inb(unsigned int);
void	outb(unsigned int, uint8_t);
uint16_t inw(unsigned int);
void	outw(unsigned int, uint16_t);
uint32_t inl(unsigned int);
void	outl(unsigned int, uint32_t);

#endif /* !_MACHINE_PIO_H_ */
