/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test vectors for the MMIO instruction decoder (module/x86/insn_decode.c).
 *
 * Each line carrying a "# " expectation is one vector: the assembler's bytes
 * for that line (its length is the assembler's, not a decoder's) and what
 * mmio_decode() must say about them, then, after a '|', what
 * mmio_decode_any() must.  gen_insn_vectors.sh turns this file into a C
 * table.  mmio_decode() expectations:
 *
 *   R <width> <reg> [zx=<dst width>|sx=<dst width>]   read into reg
 *   W <width> <reg>                                   write from reg
 *   I <width> <imm>                                   write an immediate;
 *                          imm is the value stored (width bytes, imm32
 *                          sign-extended for width 8)
 *   MOVS <width> [rep]     STOS <width> [rep]         string forms
 *   X                                                 must be refused
 *
 * mmio_decode_any() expectations, which every X needs:
 *
 *   | L <reg>        a load into reg (its name gives the width written)
 *   | N              no general register loaded from memory
 *   | X              must be refused
 *
 * Without one, it must find the same length and, for R, a load into the
 * destination register.
 *
 * <reg> is the register as the instruction names it (al, ah, r9w, esi...).
 * Lines with .byte spell out encodings the assembler will not produce from
 * a mnemonic (redundant or misplaced prefixes, lock on mov, overlong).
 * The truncation tests cut every vector that is not X (for the decoder
 * tested) at each length.
 */
	.text

/* movb: register -> memory */
	movb	%al, (%rax)                        # W 1 al
	movb	%cl, (%rsp)                        # W 1 cl
	movb	%dl, (%rbp)                        # W 1 dl
	movb	%bl, (%r12)                        # W 1 bl
	movb	%spl, (%r13)                       # W 1 spl
	movb	%bpl, 0x10(%rdi)                   # W 1 bpl
	movb	%sil, -0x80(%rsi)                  # W 1 sil
	movb	%dil, 0x7f(%r8)                    # W 1 dil
	movb	%r8b, 0x12345678(%rdx)             # W 1 r8b
	movb	%r9b, -0x1000(%r15)                # W 1 r9b
	movb	%r10b, (%rax,%rcx)                 # W 1 r10b
	movb	%r11b, 0x8(%rbx,%rdx,2)            # W 1 r11b
	movb	%r12b, -0x4(%r9,%r10,4)            # W 1 r12b
	movb	%r13b, 0x1000(%rsp,%r12,8)         # W 1 r13b
	movb	%r14b, (%r13,%rax,1)               # W 1 r14b
	movb	%r15b, 0x0(,%rcx,4)                # W 1 r15b
	movb	%ah, (%rbx)                        # W 1 ah
	movb	%ch, 0x10(%rsp)                    # W 1 ch
	movb	%dh, (%rax,%rdx,8)                 # W 1 dh
	movb	%bh, 0x100(%rip)                   # W 1 bh

/* movb: memory -> register */
	movb	0x40(,%r11,8), %al                 # R 1 al
	movb	0x100(%rip), %cl                   # R 1 cl
	movb	-0x20(%rip), %dl                   # R 1 dl
	movb	0x1000, %bl                        # R 1 bl
	movb	(%rbp,%rsi,8), %spl                # R 1 spl
	movb	0x11223344(%r14,%r15,2), %bpl      # R 1 bpl
	movb	0x7fffffff(%rbx), %sil             # R 1 sil
	movb	(%rdi,%r12,1), %dil                # R 1 dil
	movb	0x80(%rcx), %r8b                   # R 1 r8b
	movb	(%rax), %r9b                       # R 1 r9b
	movb	(%rsp), %r10b                      # R 1 r10b
	movb	(%rbp), %r11b                      # R 1 r11b
	movb	(%r12), %r12b                      # R 1 r12b
	movb	(%r13), %r13b                      # R 1 r13b
	movb	0x10(%rdi), %r14b                  # R 1 r14b
	movb	-0x80(%rsi), %r15b                 # R 1 r15b
	movb	0x2000, %ah                        # R 1 ah
	movb	-0x7(%rbp,%rcx,2), %ch             # R 1 ch
	movb	0x0(,%rsi,2), %dh                  # R 1 dh
	movb	0x12345678(%rdi), %bh              # R 1 bh

/* movw: register -> memory */
	movw	%ax, 0x7f(%r8)                     # W 2 ax
	movw	%cx, 0x12345678(%rdx)              # W 2 cx
	movw	%dx, -0x1000(%r15)                 # W 2 dx
	movw	%bx, (%rax,%rcx)                   # W 2 bx
	movw	%sp, 0x8(%rbx,%rdx,2)              # W 2 sp
	movw	%bp, -0x4(%r9,%r10,4)              # W 2 bp
	movw	%si, 0x1000(%rsp,%r12,8)           # W 2 si
	movw	%di, (%r13,%rax,1)                 # W 2 di
	movw	%r8w, 0x0(,%rcx,4)                 # W 2 r8w
	movw	%r9w, 0x40(,%r11,8)                # W 2 r9w
	movw	%r10w, 0x100(%rip)                 # W 2 r10w
	movw	%r11w, -0x20(%rip)                 # W 2 r11w
	movw	%r12w, 0x1000                      # W 2 r12w
	movw	%r13w, (%rbp,%rsi,8)               # W 2 r13w
	movw	%r14w, 0x11223344(%r14,%r15,2)     # W 2 r14w
	movw	%r15w, 0x7fffffff(%rbx)            # W 2 r15w

/* movw: memory -> register */
	movw	(%rdi,%r12,1), %ax                 # R 2 ax
	movw	0x80(%rcx), %cx                    # R 2 cx
	movw	(%rax), %dx                        # R 2 dx
	movw	(%rsp), %bx                        # R 2 bx
	movw	(%rbp), %sp                        # R 2 sp
	movw	(%r12), %bp                        # R 2 bp
	movw	(%r13), %si                        # R 2 si
	movw	0x10(%rdi), %di                    # R 2 di
	movw	-0x80(%rsi), %r8w                  # R 2 r8w
	movw	0x7f(%r8), %r9w                    # R 2 r9w
	movw	0x12345678(%rdx), %r10w            # R 2 r10w
	movw	-0x1000(%r15), %r11w               # R 2 r11w
	movw	(%rax,%rcx), %r12w                 # R 2 r12w
	movw	0x8(%rbx,%rdx,2), %r13w            # R 2 r13w
	movw	-0x4(%r9,%r10,4), %r14w            # R 2 r14w
	movw	0x1000(%rsp,%r12,8), %r15w         # R 2 r15w

/* movl: register -> memory */
	movl	%eax, (%r13,%rax,1)                # W 4 eax
	movl	%ecx, 0x0(,%rcx,4)                 # W 4 ecx
	movl	%edx, 0x40(,%r11,8)                # W 4 edx
	movl	%ebx, 0x100(%rip)                  # W 4 ebx
	movl	%esp, -0x20(%rip)                  # W 4 esp
	movl	%ebp, 0x1000                       # W 4 ebp
	movl	%esi, (%rbp,%rsi,8)                # W 4 esi
	movl	%edi, 0x11223344(%r14,%r15,2)      # W 4 edi
	movl	%r8d, 0x7fffffff(%rbx)             # W 4 r8d
	movl	%r9d, (%rdi,%r12,1)                # W 4 r9d
	movl	%r10d, 0x80(%rcx)                  # W 4 r10d
	movl	%r11d, (%rax)                      # W 4 r11d
	movl	%r12d, (%rsp)                      # W 4 r12d
	movl	%r13d, (%rbp)                      # W 4 r13d
	movl	%r14d, (%r12)                      # W 4 r14d
	movl	%r15d, (%r13)                      # W 4 r15d

/* movl: memory -> register */
	movl	0x10(%rdi), %eax                   # R 4 eax
	movl	-0x80(%rsi), %ecx                  # R 4 ecx
	movl	0x7f(%r8), %edx                    # R 4 edx
	movl	0x12345678(%rdx), %ebx             # R 4 ebx
	movl	-0x1000(%r15), %esp                # R 4 esp
	movl	(%rax,%rcx), %ebp                  # R 4 ebp
	movl	0x8(%rbx,%rdx,2), %esi             # R 4 esi
	movl	-0x4(%r9,%r10,4), %edi             # R 4 edi
	movl	0x1000(%rsp,%r12,8), %r8d          # R 4 r8d
	movl	(%r13,%rax,1), %r9d                # R 4 r9d
	movl	0x0(,%rcx,4), %r10d                # R 4 r10d
	movl	0x40(,%r11,8), %r11d               # R 4 r11d
	movl	0x100(%rip), %r12d                 # R 4 r12d
	movl	-0x20(%rip), %r13d                 # R 4 r13d
	movl	0x1000, %r14d                      # R 4 r14d
	movl	(%rbp,%rsi,8), %r15d               # R 4 r15d

/* movq: register -> memory */
	movq	%rax, 0x11223344(%r14,%r15,2)      # W 8 rax
	movq	%rcx, 0x7fffffff(%rbx)             # W 8 rcx
	movq	%rdx, (%rdi,%r12,1)                # W 8 rdx
	movq	%rbx, 0x80(%rcx)                   # W 8 rbx
	movq	%rsp, (%rax)                       # W 8 rsp
	movq	%rbp, (%rsp)                       # W 8 rbp
	movq	%rsi, (%rbp)                       # W 8 rsi
	movq	%rdi, (%r12)                       # W 8 rdi
	movq	%r8, (%r13)                        # W 8 r8
	movq	%r9, 0x10(%rdi)                    # W 8 r9
	movq	%r10, -0x80(%rsi)                  # W 8 r10
	movq	%r11, 0x7f(%r8)                    # W 8 r11
	movq	%r12, 0x12345678(%rdx)             # W 8 r12
	movq	%r13, -0x1000(%r15)                # W 8 r13
	movq	%r14, (%rax,%rcx)                  # W 8 r14
	movq	%r15, 0x8(%rbx,%rdx,2)             # W 8 r15

/* movq: memory -> register */
	movq	-0x4(%r9,%r10,4), %rax             # R 8 rax
	movq	0x1000(%rsp,%r12,8), %rcx          # R 8 rcx
	movq	(%r13,%rax,1), %rdx                # R 8 rdx
	movq	0x0(,%rcx,4), %rbx                 # R 8 rbx
	movq	0x40(,%r11,8), %rsp                # R 8 rsp
	movq	0x100(%rip), %rbp                  # R 8 rbp
	movq	-0x20(%rip), %rsi                  # R 8 rsi
	movq	0x1000, %rdi                       # R 8 rdi
	movq	(%rbp,%rsi,8), %r8                 # R 8 r8
	movq	0x11223344(%r14,%r15,2), %r9       # R 8 r9
	movq	0x7fffffff(%rbx), %r10             # R 8 r10
	movq	(%rdi,%r12,1), %r11                # R 8 r11
	movq	0x80(%rcx), %r12                   # R 8 r12
	movq	(%rax), %r13                       # R 8 r13
	movq	(%rsp), %r14                       # R 8 r14
	movq	(%rbp), %r15                       # R 8 r15

/* mov immediate -> memory (C6 /0, C7 /0) */
	movb	$0x12, (%rax)                   # I 1 0x12
	movb	$0xff, 0x10(%rdi)               # I 1 0xff
	movb	$0x80, (%r12)                   # I 1 0x80
	movb	$0x7f, 0x12345678(%rbx,%rcx,4)  # I 1 0x7f
	movb	$0x1, 0x100(%rip)               # I 1 0x1
	movb	$0x0, (%r13)                    # I 1 0x0
	movw	$0x1234, (%rax)                 # I 2 0x1234
	movw	$0xffff, -0x8(%rbp)             # I 2 0xffff
	movw	$0x8000, (%r9,%r10,2)           # I 2 0x8000
	movw	$0x1, 0x7fffffff(%rsp)          # I 2 0x1
	movw	$0xbeef, 0x200(%rip)            # I 2 0xbeef
	movl	$0x12345678, (%rax)             # I 4 0x12345678
	movl	$0x80000000, 0x4(%rdi)          # I 4 0x80000000
	movl	$0xffffffff, (%rsp)             # I 4 0xffffffff
	movl	$0x0, 0x1000(%r8,%r12,8)        # I 4 0x0
	movl	$0xdeadbeef, 0x0(,%rcx,8)       # I 4 0xdeadbeef
	movl	$0x1, 0x300(%rip)               # I 4 0x1
	movl	$0x7, 0x1000                    # I 4 0x7
	movq	$0x12345678, (%rax)             # I 8 0x12345678
	movq	$0x7fffffff, 0x8(%r15)          # I 8 0x7fffffff
	movq	$-1, (%rdx)                     # I 8 0xffffffffffffffff
	movq	$-0x80000000, (%r13,%r14,4)     # I 8 0xffffffff80000000
	movq	$-2, 0x11223344(%rbx,%r12,8)    # I 8 0xfffffffffffffffe
	movq	$0x0, 0x400(%rip)               # I 8 0x0
	movl	$0x55, %fs:0x28                 # I 4 0x55
	movq	$0x1, %gs:(%rax)                # I 8 0x1

/* movzx, movsx (0F B6/B7/BE/BF) and movsxd (REX.W 63) */
	movzbl	(%rdi), %eax                    # R 1 eax zx=4
	movzbl	0x10(%rsi), %r9d                # R 1 r9d zx=4
	movzbw	(%rax), %dx                     # R 1 dx zx=2
	movzbq	(%rsp), %rbx                    # R 1 rbx zx=8
	movzbq	0x0(,%rcx,4), %r15              # R 1 r15 zx=8
	movzwl	(%rax), %ecx                    # R 2 ecx zx=4
	movzwl	0x12345678(%r12), %r12d         # R 2 r12d zx=4
	movzwq	(%rbp), %rsi                    # R 2 rsi zx=8
	movzwq	0x100(%rip), %r8                # R 2 r8 zx=8
	movsbl	(%rdi), %eax                    # R 1 eax sx=4
	movsbw	(%r13), %r10w                   # R 1 r10w sx=2
	movsbq	-0x1(%rax,%rbx,2), %rdi         # R 1 rdi sx=8
	movsbq	(%r11), %r11                    # R 1 r11 sx=8
	movswl	(%rcx), %edx                    # R 2 edx sx=4
	movswl	0x1000, %r14d                   # R 2 r14d sx=4
	movswq	(%rdx), %rax                    # R 2 rax sx=8
	movswq	0x40(%r9,%r10,8), %r13          # R 2 r13 sx=8
	movslq	(%rdi), %rax                    # R 4 rax sx=8
	movslq	0x7c(%r8), %r9                  # R 4 r9 sx=8
	movslq	-0x10(%rip), %rsp               # R 4 rsp sx=8

/* mov with a 64-bit absolute address (A0-A3) */
	movabs	0x1122334455667788, %al         # R 1 al
	movabs	0x1122334455667788, %ax         # R 2 ax
	movabs	0x1122334455667788, %eax        # R 4 eax
	movabs	0x1122334455667788, %rax        # R 8 rax
	movabs	%al, 0xffffc90000001000         # W 1 al
	movabs	%ax, 0xffffc90000001000         # W 2 ax
	movabs	%eax, 0xffffc90000001000        # W 4 eax
	movabs	%rax, 0xffffc90000001000        # W 8 rax

/* movs and stos, as memcpy_toio/memcpy_fromio/memset_io use them */
	movsb                                   # MOVS 1
	movsw                                   # MOVS 2
	movsl                                   # MOVS 4
	movsq                                   # MOVS 8
	rep movsb                               # MOVS 1 rep
	rep movsw                               # MOVS 2 rep
	rep movsl                               # MOVS 4 rep
	rep movsq                               # MOVS 8 rep
	stosb                                   # STOS 1
	stosw                                   # STOS 2
	stosl                                   # STOS 4
	stosq                                   # STOS 8
	rep stosb                               # STOS 1 rep
	rep stosw                               # STOS 2 rep
	rep stosl                               # STOS 4 rep
	rep stosq                               # STOS 8 rep

/* segment overrides: null ones are ignored, FS/GS are in the fault address */
	movl	%eax, %es:(%rdi)                # W 4 eax
	movl	%cs:(%rax), %ecx                # R 4 ecx
	.byte	0x36, 0x48, 0x8b, 0x54, 0x24, 0x08 # R 8 rdx
	.byte	0x3e, 0x8a, 0x3e                # R 1 bh
	movl	%fs:0x10, %eax                  # R 4 eax
	movq	%r8, %gs:0x18(%rbx)             # W 8 r8
	movzwl	%gs:(%rax), %r10d               # R 2 r10d zx=4

/* encodings spelled out */
	.byte	0x40, 0x88, 0x27                # W 1 spl
	.byte	0x40, 0x8a, 0x3f                # R 1 dil
	.byte	0x48, 0x88, 0x27                # W 1 spl
	.byte	0x66, 0x48, 0x89, 0x07          # W 8 rax
	.byte	0x48, 0x66, 0x89, 0x07          # X | N
	.byte	0x48, 0x48, 0x89, 0x07          # X | N
	.byte	0x66, 0x66, 0x89, 0x07          # W 2 ax
	.byte	0x66, 0xc6, 0x07, 0x5a          # I 1 0x5a
	.byte	0xf3, 0x66, 0xa5                # MOVS 2 rep
	.byte	0x66, 0x0f, 0xb7, 0x07          # R 2 ax zx=2
	.byte	0x66, 0x48, 0x0f, 0xbe, 0x07    # R 1 rax sx=8
	.byte	0x66, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80 # I 8 0xffffffff80000000
	.byte	0x2e, 0x36, 0x3e, 0x4a, 0xc7, 0x84, 0xe0, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde # I 8 0xffffffffdeadbeef
	.byte	0x26, 0x2e, 0x36, 0x3e, 0x4a, 0xc7, 0x84, 0xe0, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde # X | X
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x8b, 0x07 # R 4 eax
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x8b, 0x07 # X | X
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e # X | X
	.byte	0xf0, 0x89, 0x07                # X | N
	.byte	0xf3, 0x8b, 0x07                # X | L eax
	.byte	0xf2, 0xa4                      # X | N
	.byte	0x64, 0xa4                      # X | N
	.byte	0x65, 0xf3, 0xab                # X | N
	.byte	0x63, 0x07                      # X | L eax
	.byte	0x66, 0x63, 0x07                # X | L ax
	.byte	0xc6, 0x0f, 0x01                # X | N
	.byte	0xc7, 0x4f, 0x04, 0x01, 0x00, 0x00, 0x00 # X | N
	.byte	0x0f, 0xb8, 0x07                # X | N

/* refused: no accessor emits these, or they do not touch memory */
	lock addl $1, (%rax)                    # X | N
	lock orl %eax, (%rdi)                   # X | N
	lock cmpxchgl %ecx, (%rdx)              # X | L eax
	xchgl	%eax, (%rax)                    # X | L eax
	xacquire lock incl (%rax)               # X | N
	xrelease movl %eax, (%rax)              # X | N
	addl	(%rax), %eax                    # X | L eax
	orl	%eax, (%rax)                    # X | N
	andb	$0xfe, (%rdi)                   # X | N
	cmpl	$0, (%rax)                      # X | N
	testb	$1, (%rax)                      # X | N
	incl	(%rax)                          # X | N
	btsl	$3, (%rax)                      # X | N
	leal	(%rax), %eax                    # X | N
	movw	(%rax), %es                     # X | N
	movw	%ds, (%rax)                     # X | N
	movl	%eax, %ebx                      # X | N
	movq	%rax, %r8                       # X | N
	movb	$1, %al                         # X | N
	movl	$1, %eax                        # X | N
	movabs	$0x1122334455667788, %rax       # X | N
	movzbl	%al, %eax                       # X | N
	movslq	%eax, %rax                      # X | N
	pushq	(%rax)                          # X | N
	pushq	%rax                            # X | N
	popq	(%rax)                          # X | N
	popq	%rax                            # X | N
	movnti	%eax, (%rax)                    # X | N
	movbe	(%rax), %eax                    # X | L eax
	movd	(%rax), %xmm0                   # X | N
	movq	(%rax), %xmm0                   # X | N
	movaps	(%rax), %xmm1                   # X | N
	vmovdqu	(%rax), %ymm0                   # X | N
	vpbroadcastd (%rax), %ymm0              # X | N
	vmovdqu	(%r8), %ymm9                    # X | N
	vmovdqu64 (%rax), %zmm0                 # X | N
	lodsb                                   # X | N
	rep lodsl                               # X | N
	cmpsb                                   # X | N
	scasl                                   # X | N
	rep insl (%dx), %es:(%rdi)              # X | N
	outsb	%ds:(%rsi), (%dx)               # X | N
	repne movsb                             # X | N
	addr32 movl (%eax), %eax                # X | L eax
	movl	(%eax), %eax                    # X | L eax
	addr32 movsb                            # X | N
	clflush	(%rax)                          # X | N
	prefetcht0 (%rax)                       # X | N
	xabort	$1                              # X | N
	ud2                                     # X | N
	int3                                    # X | N
	hlt                                     # X | N
	nop                                     # X | N
	ret                                     # X | N

/*
 * mmio_decode_any(): lengths of everything else, and loads.  The "| ..."
 * part of each vector above and below is its expectation (see the top).
 */

/* prefixes: any number, any order; REX counts only directly before the opcode */
	.byte	0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x01, 0x07 # X | N
	.byte	0x41, 0x48, 0x8b, 0x07                     # X | L rax
	.byte	0x48, 0x41, 0x8b, 0x07                     # X | L eax
	.byte	0x44, 0x66, 0x8b, 0x07                     # X | L ax
	.byte	0x48, 0x66, 0x3e, 0x8b, 0x07               # X | L ax
	.byte	0x40, 0x02, 0x20                           # X | L spl
	.byte	0x40, 0x66, 0x02, 0x20                     # X | L ah
	.byte	0x48, 0x66, 0xb8, 0x34, 0x12               # X | N
	.byte	0x66, 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 # X | N
	.byte	0x48, 0x2e, 0x05, 0x34, 0x12, 0x00, 0x00   # X | N
	.byte	0x2e, 0x66, 0x48, 0x3e, 0x69, 0xc4, 0x41, 0xa9 # X | N
	.byte	0xf2, 0xf3, 0x0f, 0xb8, 0x07               # X | L eax
	.byte	0xf3, 0xf2, 0x0f, 0xb8, 0x07               # X | N
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x90 # X | N
	.byte	0x2e, 0x64, 0xf0, 0x48, 0x81, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 # X | N
	.byte	0x2e, 0x2e, 0x64, 0xf0, 0x48, 0x81, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 # X | X
	.byte	0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 # X | N
	.byte	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 # X | X
	lock addq $0x12345678, %fs:0x12345678(%rax,%rbx,8) # X | N
	lock xaddq %rax, %gs:0x8(%rdi)             # X | L rax
	rep stosb %al, %es:(%rdi)                  # STOS 1 rep
	pause                                      # X | N

/* ModRM, SIB and displacement: every form */
	addl	(%rax), %ecx                       # X | L ecx
	addl	(%rcx), %edx                       # X | L edx
	addl	(%rsp), %ecx                       # X | L ecx
	addl	(%rbp), %ecx                       # X | L ecx
	addl	(%r12), %ecx                       # X | L ecx
	addl	(%r13), %ecx                       # X | L ecx
	addl	(%rax,%rbx,2), %ecx                # X | L ecx
	addl	(%rbp,%rbx,2), %ecx                # X | L ecx
	addl	(%rsp,%rbp,1), %ecx                # X | L ecx
	addl	(%r13,%r14,8), %r15d               # X | L r15d
	addl	0x12345678(,%rcx,4), %ecx          # X | L ecx
	addl	0x12345678, %ecx                   # X | L ecx
	addl	0x10(%rip), %ecx                   # X | L ecx
	addl	-0x8(%rbp), %ecx                   # X | L ecx
	addl	0x7f(%rsp), %ecx                   # X | L ecx
	addl	-0x80(%r12,%r13,8), %ecx           # X | L ecx
	addl	0x1000(%rax), %ecx                 # X | L ecx
	addl	0x12345678(%rsp), %ecx             # X | L ecx
	addl	-0x1000(%rbp,%rsi,2), %ecx         # X | L ecx
	addl	%eax, %ecx                         # X | N
	.byte	0x03, 0x0d, 0x78, 0x56, 0x34, 0x12          # X | L ecx
	.byte	0x03, 0x0c, 0xe5, 0x78, 0x56, 0x34, 0x12    # X | L ecx
	.byte	0x03, 0x0c, 0x25, 0x78, 0x56, 0x34, 0x12    # X | L ecx
	.byte	0x03, 0x4c, 0x25, 0x10                      # X | L ecx
	.byte	0x03, 0x8c, 0x25, 0x78, 0x56, 0x34, 0x12    # X | L ecx
	.byte	0x03, 0x44, 0x20, 0x10                      # X | L eax
	.byte	0x03, 0x04, 0x24                            # X | L eax
	.byte	0x03, 0x45, 0x00                            # X | L eax
	.byte	0x03, 0x85, 0x00, 0x00, 0x00, 0x00          # X | L eax
	.byte	0x03, 0xc5                                  # X | N
	addl	(%eax), %ecx                       # X | L ecx
	addl	0x10(%esp), %ecx                   # X | L ecx
	addl	0x12345678(%eip), %ecx             # X | L ecx
	addl	0x12345678(%ebx,%esi,4), %ecx      # X | L ecx
	addl	$0x12345678, 0x12345678(%rax,%rbx,8) # X | N
	cmpb	$1, 0x10(%rip)                     # X | N
	testl	$1, 0x100(%rip)                    # X | N
	movq	$-1, 0x10(%rip)                    # I 8 0xffffffffffffffff

/* one-byte map: ALU; loads, cmp, stores, immediates */
	addb	(%rax), %ch                        # X | L ch
	orq	0x8(%rsp), %r11                    # X | L r11
	orb	(%rbx), %dil                       # X | L dil
	adcw	(%rax), %si                        # X | L si
	adcb	0x1(%rcx), %al                     # X | L al
	sbbb	(%rax), %r12b                      # X | L r12b
	sbbq	(%rdx), %rdx                       # X | L rdx
	andl	0x10(%rip), %edx                   # X | L edx
	andb	(%rax), %bh                        # X | L bh
	subq	(,%rax,8), %rbp                    # X | L rbp
	subw	(%r9), %r9w                        # X | L r9w
	xorb	0x1(%rbx), %spl                    # X | L spl
	xorl	(%r8), %r14d                       # X | L r14d
	cmpl	(%rax), %ecx                       # X | N
	cmpb	(%rax), %ah                        # X | N
	cmpq	%rax, (%rdi)                       # X | N
	addl	%ecx, (%rax)                       # X | N
	subb	%dh, 0x4(%rdi)                     # X | N
	testl	%eax, (%rax)                       # X | N
	testb	%ah, (%rax)                        # X | N
	addb	$0x12, %al                         # X | N
	orl	$0x12345678, %eax                  # X | N
	adcw	$0x1234, %ax                       # X | N
	sbbq	$0x12345678, %rax                  # X | N
	andb	$0x7f, %al                         # X | N
	subl	$0x12345678, %eax                  # X | N
	xorw	$0x1234, %ax                       # X | N
	cmpb	$0x1, %al                          # X | N
	cmpl	$0x12345678, %eax                  # X | N
	addb	$0x1, (%rax)                       # X | N
	addl	$0x1, (%rax)                       # X | N
	addl	$0x12345678, 0x8(%rax)             # X | N
	addw	$0x1234, (%rax)                    # X | N
	addw	$0x1, (%rax)                       # X | N
	addq	$-0x1, (%rax)                      # X | N
	addq	$0x12345678, (%rax)                # X | N
	.byte	0x82, 0x00, 0x01                            # X | X

/* one-byte map: the other immediates */
	pushq	$0x12345678                        # X | N
	pushw	$0x1234                            # X | N
	pushq	$0x1                               # X | N
	imull	$0x12345678, (%rax), %ecx          # X | L ecx
	imulw	$0x1234, (%rax), %cx               # X | L cx
	imulq	$0x12345678, (%rax), %r9           # X | L r9
	imull	$0x3, 0x4(%rax), %edx              # X | L edx
	imulq	$-0x2, (%rsp), %r9                 # X | L r9
	imulw	$0x3, (%rax), %bp                  # X | L bp
	testb	$0x1, %al                          # X | N
	testl	$0x10000, %eax                     # X | N
	testw	$0x100, %ax                        # X | N
	testq	$0x10000, %rax                     # X | N
	testb	$0x80, (%rax)                      # X | N
	testl	$0x12345678, (%rdi)                # X | N
	testw	$0x1234, (%rdi)                    # X | N
	testq	$-0x1, 0x8(%rax)                   # X | N
	.byte	0xf6, 0x08, 0x12                            # X | N
	.byte	0x66, 0xf7, 0x08, 0x34, 0x12                # X | N
	notb	(%rax)                             # X | N
	negl	(%rax)                             # X | N
	mulb	(%rax)                             # X | L ax
	imulb	0x8(%rdi)                          # X | L ax
	divb	(%rsi)                             # X | L ax
	idivb	(%rax,%rbx,4)                      # X | L ax
	mull	(%rax)                             # X | N
	divq	(%rax)                             # X | N
	mulb	%cl                                # X | N
	movb	$0x12, %ah                         # X | N
	movb	$0x1, %r9b                         # X | N
	movl	$0x12345678, %ecx                  # X | N
	movw	$0x1234, %dx                       # X | N
	movl	$0x1, %r8d                         # X | N
	movabs	$0x1122334455667788, %r15          # X | N
	movq	$-0x1, %rax                        # X | N
	shlb	$0x3, (%rax)                       # X | N
	shrl	$0x5, 0x8(%rdi)                    # X | N
	sarq	$0x1, (%rax)                       # X | N
	rolw	%cl, (%rax)                        # X | N
	rclb	$0x1, (%rax)                       # X | N
	rorq	$0x3f, %r11                        # X | N
	ret	$0x10                              # X | N
	lretq	$0x8                              # X | N
	lretl                                      # X | N
	enter	$0x20, $0x1                        # X | N
	leave                                      # X | N
	int	$0x80                              # X | N
	int1                                       # X | N
	iretq                                      # X | N
	inb	$0x60, %al                         # X | N
	inl	$0x60, %eax                        # X | N
	outb	%al, $0x80                         # X | N
	outl	%eax, $0x80                        # X | N
	inb	(%dx), %al                         # X | N
	outw	%ax, (%dx)                         # X | N
	xbegin	.+0x1000                           # X | N
	.byte	0x66, 0xc7, 0xf8, 0x00, 0x10                # X | N

/* one-byte map: branches (66 does not shorten rel32, as on Intel) */
	jmp	.                                  # X | N
	jmp	.+0x1000                           # X | N
	jb	.                                  # X | N
	jg	.+0x1000                           # X | N
	loop	.                                  # X | N
	jrcxz	.                                  # X | N
	jecxz	.                                  # X | N
	call	.+0x100                            # X | N
	.byte	0x66, 0xe8, 0x00, 0x01, 0x00, 0x00          # X | N
	.byte	0x66, 0xe9, 0x00, 0x01, 0x00, 0x00          # X | N
	.byte	0x66, 0x0f, 0x85, 0x00, 0x01, 0x00, 0x00    # X | N
	jmp	*%rax                              # X | N
	call	*0x8(%rax)                         # X | N
	jmp	*(%rax)                            # X | N
	ljmp	*(%rax)                            # X | N
	callw	*(%rax)                            # X | N
	.byte	0x9a, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00    # X | X
	.byte	0xea, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00    # X | X

/* one-byte map: moffs (8 bytes, 4 with 67) */
	.byte	0x67, 0xa0, 0x78, 0x56, 0x34, 0x12          # X | L al
	.byte	0x67, 0xa1, 0x78, 0x56, 0x34, 0x12          # X | L eax
	.byte	0x66, 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12    # X | L ax
	.byte	0x67, 0x48, 0xa1, 0x78, 0x56, 0x34, 0x12    # X | L rax
	.byte	0x67, 0xa2, 0x78, 0x56, 0x34, 0x12          # X | N
	.byte	0x67, 0x48, 0xa3, 0x78, 0x56, 0x34, 0x12    # X | N
	addr32 movabs 0x12345678, %eax             # X | L eax
	movabs	%fs:0x1122334455667788, %eax       # R 4 eax

/* one-byte map: xchg, movsxd, lea, pop, inc/dec, push, sreg */
	xchgl	%ecx, (%rax)                       # X | L ecx
	xchgb	%dh, (%rax)                        # X | L dh
	xchgb	%r10b, 0x1(%rax)                   # X | L r10b
	xchgq	(%rdi), %r10                       # X | L r10
	xchgw	%ax, 0x2(%rbx)                     # X | L ax
	xchgl	%eax, %ecx                         # X | N
	xchgq	%rax, %r8                          # X | N
	xchgl	%ecx, %edx                         # X | N
	movslq	0x8(%rax), %r12                    # R 4 r12 sx=8
	leaq	0x8(%rax,%rbx,4), %rcx             # X | N
	popq	0x10(%rsp)                         # X | N
	popq	0x10(%rip)                         # X | N
	.byte	0x8f, 0xc0                                  # X | N
	.byte	0x8f, 0x20                                  # X | X
	incb	(%rax)                             # X | N
	decl	0x4(%rax)                          # X | N
	incq	0x10(%rip)                         # X | N
	pushq	0x8(%rax)                          # X | N
	pushq	%r15                               # X | N
	movw	%fs, (%rax)                        # X | N
	movw	(%rax), %ss                        # X | N

/* one-byte map: no operands, or implied ones */
	cltq                                       # X | N
	cqto                                       # X | N
	cwtl                                       # X | N
	pushfq                                     # X | N
	popfq                                      # X | N
	sahf                                       # X | N
	lahf                                       # X | N
	xlat                                       # X | N
	cmc                                        # X | N
	clc                                        # X | N
	stc                                        # X | N
	cli                                        # X | N
	sti                                        # X | N
	cld                                        # X | N
	std                                        # X | N
	fwait                                      # X | N
	lodsq                                      # X | N
	scasb                                      # X | N
	rep cmpsq                                  # X | N
	outsl                                      # X | N

/* one-byte map: x87 */
	fldl	(%rax)                             # X | N
	fildll	0x8(%rsp)                          # X | N
	fnstsw	%ax                                # X | N
	fadd	%st(1), %st                        # X | N
	fstps	0x10(%rip)                         # X | N
	fnstcw	-0x2(%rbp)                         # X | N
	fxch	%st(2)                             # X | N

/* one-byte map: not in 64-bit mode (D5 is also APX's REX2) */
	.byte	0x06                                        # X | X
	.byte	0x07                                        # X | X
	.byte	0x0e                                        # X | X
	.byte	0x16                                        # X | X
	.byte	0x17                                        # X | X
	.byte	0x1e                                        # X | X
	.byte	0x1f                                        # X | X
	.byte	0x27                                        # X | X
	.byte	0x2f                                        # X | X
	.byte	0x37                                        # X | X
	.byte	0x3f                                        # X | X
	.byte	0x60                                        # X | X
	.byte	0x61                                        # X | X
	.byte	0xce                                        # X | X
	.byte	0xd4, 0x0a                                  # X | X
	.byte	0xd5, 0x0a                                  # X | X
	.byte	0xd6                                        # X | X
	.byte	0x66, 0x48, 0x06                            # X | X

/* 0F map: loads */
	cmovel	(%rax), %ecx                       # X | L ecx
	cmovneq	0x8(%rdi), %r8                     # X | L r8
	cmovaw	(%rax), %dx                        # X | L dx
	cmovsl	0x12345678(%rip), %r15d            # X | L r15d
	cmovol	%eax, %ecx                         # X | N
	imull	(%rax), %ecx                       # X | L ecx
	imulq	(%rsp), %r15                       # X | L r15
	imulw	(%rax), %si                        # X | L si
	imull	%eax, %ecx                         # X | N
	popcntl	(%rax), %ecx                       # X | L ecx
	popcntq	(%rax), %r9                        # X | L r9
	popcntw	(%rax), %dx                        # X | L dx
	lzcntl	0x4(%rax), %eax                    # X | L eax
	tzcntq	(%rax), %rbx                       # X | L rbx
	bsfl	(%rax), %ecx                       # X | L ecx
	bsrq	(%rdi), %r12                       # X | L r12
	bsfw	(%rax), %ax                        # X | L ax
	xaddl	%ecx, (%rax)                       # X | L ecx
	lock xaddq %rax, 0x8(%rdi)                 # X | L rax
	xaddb	%bh, (%rax)                        # X | L bh
	xaddb	%r10b, (%rax)                      # X | L r10b
	xaddw	%si, (%rax)                        # X | L si
	xaddl	%eax, %ecx                         # X | N
	cmpxchgb %bl, (%rax)                       # X | L al
	cmpxchgw %cx, (%rax)                       # X | L ax
	lock cmpxchgq %r8, (%rdi)                  # X | L rax
	cmpxchgl %ecx, %edx                        # X | N
	cmpxchg8b (%rax)                           # X | N
	lock cmpxchg16b (%rdi)                     # X | N
	movzbl	(%rax), %ebp                       # R 1 ebp zx=4
	movsbw	%al, %cx                           # X | N
	movzwq	0x8(%rax), %r10                    # R 2 r10 zx=8

/* 0F map: immediates and branches */
	jne	.+0x1000                           # X | N
	pshufd	$0x1b, (%rax), %xmm0               # X | N
	pshufw	$0x1, (%rax), %mm0                 # X | N
	psrlw	$0x3, %xmm1                        # X | N
	pslld	$0x4, %mm2                         # X | N
	psrldq	$0x8, %xmm3                        # X | N
	shldl	$0x3, %ecx, (%rax)                 # X | N
	shrdq	$0x5, %rdx, 0x8(%rax)              # X | N
	shldl	%cl, %ecx, (%rax)                  # X | N
	btl	$0x5, (%rax)                       # X | N
	btsq	$0x3f, 0x8(%rdi)                   # X | N
	btl	%ecx, (%rax)                       # X | N
	btcq	%rax, 0x8(%rdi)                    # X | N
	cmpps	$0x1, (%rax), %xmm0                # X | N
	pinsrw	$0x2, (%rax), %xmm1                # X | N
	pextrw	$0x1, %xmm0, %eax                  # X | N
	shufps	$0x44, (%rax), %xmm2               # X | N
	extrq	$0x4, $0x8, %xmm1                  # X | N
	insertq	$0x4, $0x8, %xmm2, %xmm1           # X | N
	extrq	%xmm2, %xmm1                       # X | N
	vmread	%rax, (%rdi)                       # X | N
	vmwrite	(%rax), %rdx                       # X | N
	pfadd	(%rax), %mm0                       # X | N
	pfmul	0x8(%rdi), %mm1                    # X | N
	femms                                      # X | N
	prefetchw (%rax)                           # X | N

/* 0F map: no ModRM */
	syscall                                    # X | N
	sysretq                                    # X | N
	sysenter                                   # X | N
	cpuid                                      # X | N
	rdtsc                                      # X | N
	rdmsr                                      # X | N
	wrmsr                                      # X | N
	rdpmc                                      # X | N
	emms                                       # X | N
	bswap	%eax                               # X | N
	bswap	%r10                               # X | N
	pushq	%fs                                # X | N
	popq	%gs                                # X | N
	clts                                       # X | N
	invd                                       # X | N
	wbinvd                                     # X | N
	getsec                                     # X | N
	rsm                                        # X | N

/* 0F map: ModRM, system and hints */
	sgdt	(%rax)                             # X | N
	lidt	0x8(%rax)                          # X | N
	invlpg	(%rax)                             # X | N
	swapgs                                     # X | N
	rdtscp                                     # X | N
	xgetbv                                     # X | N
	vmcall                                     # X | N
	sldt	(%rax)                             # X | N
	ltr	%ax                                # X | N
	verr	(%rax)                             # X | N
	lar	(%rax), %eax                       # X | N
	lsl	(%rax), %ecx                       # X | N
	movq	%cr0, %rax                         # X | N
	movq	%rax, %cr3                         # X | N
	movq	%dr7, %rax                         # X | N
	movq	%cr8, %rax                         # X | N
	.byte	0x0f, 0x20, 0x04                            # X | N
	.byte	0x0f, 0x22, 0x85                            # X | N
	.byte	0x0f, 0x23, 0x45                            # X | N
	nopl	0x0(%rax,%rax,1)                   # X | N
	nopw	0x0(%rax,%rax,1)                   # X | N
	nopw	%cs:0x0(%rax,%rax,1)               # X | N
	endbr64                                    # X | N
	prefetchnta (%rax)                         # X | N
	clflushopt (%rax)                          # X | N
	clwb	(%rax)                             # X | N
	lfence                                     # X | N
	mfence                                     # X | N
	sfence                                     # X | N
	fxsave	(%rax)                             # X | N
	xsave	(%rax)                             # X | N
	rdrand	%eax                               # X | N
	rdseed	%rcx                               # X | N
	rdpid	%rax                               # X | N
	sete	(%rax)                             # X | N
	setne	%al                                # X | N
	movdqu	(%rax), %xmm0                      # X | N
	movaps	%xmm1, 0x10(%rsp)                  # X | N
	movq	%xmm0, %rax                        # X | N
	cvtsi2sdl (%rax), %xmm0                    # X | N
	movntdq	%xmm0, (%rax)                      # X | N
	pxor	%xmm0, %xmm0                       # X | N
	ud1	(%rax), %eax                       # X | N
	ud0	(%rax), %eax                       # X | N
	xstore                                     # X | N
	rep xcryptecb                              # X | N
	montmul                                    # X | N

/* 0F map: undefined in 64-bit mode */
	.byte	0x0f, 0x04                                  # X | X
	.byte	0x0f, 0x0a                                  # X | X
	.byte	0x0f, 0x0c                                  # X | X
	.byte	0x0f, 0x24, 0xc0                            # X | X
	.byte	0x0f, 0x26, 0xc0                            # X | X
	.byte	0x0f, 0x36                                  # X | X
	.byte	0x0f, 0x39                                  # X | X
	.byte	0x0f, 0x3b                                  # X | X
	.byte	0x0f, 0x3f                                  # X | X
	.byte	0x0f, 0x7a, 0x00                            # X | X
	.byte	0x0f, 0x7b, 0x00                            # X | X

/* 0F 38 map: ModRM, no immediate */
	pshufb	(%rax), %xmm0                      # X | N
	pshufb	%mm1, %mm0                         # X | N
	sha1nexte (%rax), %xmm1                    # X | N
	aesenc	0x10(%rdi), %xmm2                  # X | N
	pmovzxbw (%rax), %xmm0                     # X | N
	invpcid	(%rax), %rcx                       # X | N
	movdir64b (%rsi), %rdi                     # X | N
	movdiri	%eax, (%rdi)                       # X | N
	enqcmd	(%rsi), %rdi                       # X | N
	movbel	(%rax), %ecx                       # X | L ecx
	movbeq	0x8(%rdi), %r9                     # X | L r9
	movbew	(%rax), %dx                        # X | L dx
	movbel	%ecx, (%rax)                       # X | N
	crc32b	(%rax), %ecx                       # X | L ecx
	crc32b	(%rax), %r8                        # X | L r8
	crc32l	(%rax), %ecx                       # X | L ecx
	crc32w	(%rax), %ecx                       # X | L ecx
	crc32q	(%rax), %rcx                       # X | L rcx
	crc32l	%eax, %ecx                         # X | N
	adcxl	(%rax), %ecx                       # X | L ecx
	adoxq	0x8(%rax), %r10                    # X | L r10
	wrssd	%eax, (%rdi)                       # X | N

/* 0F 3A map: ModRM and imm8 */
	palignr	$0x4, (%rax), %xmm0                # X | N
	palignr	$0x1, %mm1, %mm0                   # X | N
	pextrd	$0x1, %xmm0, (%rax)                # X | N
	pextrd	$0x1, %xmm0, %eax                  # X | N
	pinsrq	$0x1, (%rax), %xmm1                # X | N
	roundsd	$0x4, 0x10(%rip), %xmm2            # X | N
	pclmulqdq $0x11, (%rax), %xmm0             # X | N
	sha1rnds4 $0x3, (%rax), %xmm0              # X | N
	pextrb	$0x1, %xmm0, (%rax,%rbx,4)         # X | N

/* VEX (C5, C4): maps 0F, 0F 38, 0F 3A */
	vzeroupper                                 # X | N
	vzeroall                                   # X | N
	vpaddd	0x10(%rsp), %ymm1, %ymm2           # X | N
	vmovdqu	%ymm1, 0x12345678(%rip)            # X | N
	vpshufd	$0x1b, (%rax), %ymm0               # X | N
	vpsrldq	$0x4, %xmm1, %xmm2                 # X | N
	vcmpps	$0x1, (%rax), %xmm1, %xmm2         # X | N
	vpinsrw	$0x1, (%rax), %xmm1, %xmm2         # X | N
	vpextrw	$0x1, %xmm1, %eax                  # X | N
	vshufps	$0x3, (%rax), %xmm1, %xmm2         # X | N
	vmovdqu	%fs:(%rax), %ymm0                  # X | N
	vmovdqu	(%eax), %ymm0                      # X | N
	vpermd	(%rax), %ymm1, %ymm2               # X | N
	vfmadd231ps 0x8(%rdi), %ymm1, %ymm2        # X | N
	vgatherdps %ymm2, (%rax,%ymm1,4), %ymm0    # X | N
	tileloadd (%rax,%rbx,1), %tmm0             # X | N
	vperm2i128 $0x20, (%rax), %ymm1, %ymm2     # X | N
	vinserti128 $0x1, (%rax), %ymm1, %ymm2     # X | N
	vblendvps %xmm3, (%rax), %xmm1, %xmm2      # X | N
	vpextrq	$0x1, %xmm0, (%rax)                # X | N
	vpinsrq	$0x1, (%rax), %xmm1, %xmm2         # X | N
	vpinsrd	$0x1, (%r8,%r9,2), %xmm10, %xmm11  # X | N
	kmovw	(%rax), %k1                        # X | N
	.byte	0x66, 0xc5, 0xf9, 0x6f, 0x00                # X | X
	.byte	0xf3, 0xc5, 0xfa, 0x6f, 0x00                # X | X
	.byte	0xf2, 0xc5, 0xfb, 0x10, 0x00                # X | X
	.byte	0xf0, 0xc5, 0xf8, 0x10, 0x00                # X | X
	.byte	0x41, 0xc5, 0xf8, 0x10, 0x00                # X | X
	.byte	0x48, 0xc4, 0xe1, 0x78, 0x10, 0x00          # X | X
	.byte	0xc4, 0xe0, 0x78, 0x10, 0x00                # X | X
	.byte	0xc4, 0xe4, 0x78, 0x10, 0x00                # X | X
	.byte	0xc4, 0xff, 0x78, 0x10, 0x00                # X | X

/* VEX: BMI1/BMI2 loads into general registers */
	andnl	(%rax), %ecx, %edx                 # X | L edx
	andnq	0x8(%rdi), %r9, %r10               # X | L r10
	bextrl	%ecx, (%rax), %edx                 # X | L edx
	bzhiq	%rcx, (%rax), %r11                 # X | L r11
	pdepl	(%rax), %ecx, %edx                 # X | L edx
	pextq	(%rax), %rcx, %rdx                 # X | L rdx
	sarxl	%ecx, (%rax), %edx                 # X | L edx
	shlxq	%rcx, (%rax), %r12                 # X | L r12
	shrxl	%ecx, 0x4(%rax), %esi              # X | L esi
	rorxq	$0x5, (%rax), %r13                 # X | L r13
	rorxl	$0x1f, 0x10(%rip), %eax            # X | L eax
	blsil	(%rax), %ecx                       # X | L ecx
	blsmskq	(%rax), %r14                       # X | L r14
	blsrl	0x8(%rdi), %ebx                    # X | L ebx
	blsrq	(%rax), %r8                        # X | L r8
	mulxq	(%rax), %rcx, %rdx                 # X | N
	andnl	%eax, %ecx, %edx                   # X | N
	blsil	%eax, %ecx                         # X | N

/* EVEX (62): maps 0F, 0F 38, 0F 3A, 5, 6; disp8 is scaled, not longer */
	vpaddd	0x40(%rax), %zmm1, %zmm2           # X | N
	vpaddd	0x44(%rax), %zmm1, %zmm2           # X | N
	vpshufd	$0x1, (%rax), %zmm0                # X | N
	vcmpps	$0x1, (%rax), %zmm1, %k2           # X | N
	vpternlogd $0xff, (%rax), %zmm1, %zmm2     # X | N
	vpermt2d (%rax), %zmm1, %zmm2              # X | N
	vaddph	(%rax), %zmm1, %zmm2               # X | N
	vfmadd132ph (%rax), %zmm1, %zmm2           # X | N
	vpbroadcastd %eax, %zmm0                   # X | N
	vmovdqu32 (%rax), %zmm0{%k1}{z}            # X | N
	vpcompressd %zmm0, (%rax){%k1}             # X | N
	vmovdqu64 %zmm31, 0x12345678(%r8,%r9,8)    # X | N
	.byte	0x66, 0x62, 0xf1, 0x7d, 0x48, 0x6f, 0x00    # X | X
	.byte	0x48, 0x62, 0xf1, 0x7d, 0x48, 0x6f, 0x00    # X | X
	.byte	0x62, 0xf0, 0x7c, 0x48, 0x10, 0x00          # X | X
	.byte	0x62, 0xf4, 0x7c, 0x08, 0x01, 0x00          # X | X
	.byte	0x62, 0xf7, 0x7c, 0x08, 0xf8, 0xc0, 0x00, 0x00, 0x00, 0x00 # X | X

/* XOP (8F, map field 8 or more: pop r/m has ModRM.reg 0): maps 8, 9, 10 */
	vprotb	$0x3, (%rax), %xmm1                # X | N
	vpcmov	%xmm3, (%rax), %xmm1, %xmm2        # X | N
	vfrczps	(%rax), %xmm1                      # X | N
	vprotb	(%rax), %xmm1, %xmm2               # X | N
	bextrl	$0x1234, (%rax), %ecx              # X | N
	lwpins	$0x12345678, (%rax), %ecx          # X | N
	blcfilll (%rax), %ecx                      # X | N
	.byte	0x66, 0x8f, 0xe8, 0x78, 0xc0, 0x08, 0x03    # X | X
	.byte	0x8f, 0xeb, 0x78, 0x00, 0x00                # X | X
