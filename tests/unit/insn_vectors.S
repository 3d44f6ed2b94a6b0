/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test vectors for the MMIO instruction decoder (module/x86/insn_decode.c).
 *
 * Each line carrying a "# " expectation is one vector: the assembler's bytes
 * for that line (its length is the assembler's, not a decoder's) and what
 * mmio_decode() must say about them.  gen_insn_vectors.sh turns this file
 * into a C table.  Expectations:
 *
 *   R <width> <reg> [zx=<dst width>|sx=<dst width>]   read into reg
 *   W <width> <reg>                                   write from reg
 *   I <width> <imm>                                   write an immediate;
 *                          imm is the value stored (width bytes, imm32
 *                          sign-extended for width 8)
 *   MOVS <width> [rep]     STOS <width> [rep]         string forms
 *   X                                                 must be refused
 *
 * <reg> is the register as the instruction names it (al, ah, r9w, esi...).
 * Lines with .byte spell out encodings the assembler will not produce from
 * a mnemonic (redundant or misplaced prefixes, lock on mov, overlong).
 * The truncation tests cut every vector that is not X at each length.
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
	.byte	0x48, 0x66, 0x89, 0x07          # X
	.byte	0x48, 0x48, 0x89, 0x07          # X
	.byte	0x66, 0x66, 0x89, 0x07          # W 2 ax
	.byte	0x66, 0xc6, 0x07, 0x5a          # I 1 0x5a
	.byte	0xf3, 0x66, 0xa5                # MOVS 2 rep
	.byte	0x66, 0x0f, 0xb7, 0x07          # R 2 ax zx=2
	.byte	0x66, 0x48, 0x0f, 0xbe, 0x07    # R 1 rax sx=8
	.byte	0x66, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80 # I 8 0xffffffff80000000
	.byte	0x2e, 0x36, 0x3e, 0x4a, 0xc7, 0x84, 0xe0, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde # I 8 0xffffffffdeadbeef
	.byte	0x26, 0x2e, 0x36, 0x3e, 0x4a, 0xc7, 0x84, 0xe0, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde # X
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x8b, 0x07 # R 4 eax
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x8b, 0x07 # X
	.byte	0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e # X
	.byte	0xf0, 0x89, 0x07                # X
	.byte	0xf3, 0x8b, 0x07                # X
	.byte	0xf2, 0xa4                      # X
	.byte	0x64, 0xa4                      # X
	.byte	0x65, 0xf3, 0xab                # X
	.byte	0x63, 0x07                      # X
	.byte	0x66, 0x63, 0x07                # X
	.byte	0xc6, 0x0f, 0x01                # X
	.byte	0xc7, 0x4f, 0x04, 0x01, 0x00, 0x00, 0x00 # X
	.byte	0x0f, 0xb8, 0x07                # X

/* refused: no accessor emits these, or they do not touch memory */
	lock addl $1, (%rax)                    # X
	lock orl %eax, (%rdi)                   # X
	lock cmpxchgl %ecx, (%rdx)              # X
	xchgl	%eax, (%rax)                    # X
	xacquire lock incl (%rax)               # X
	xrelease movl %eax, (%rax)              # X
	addl	(%rax), %eax                    # X
	orl	%eax, (%rax)                    # X
	andb	$0xfe, (%rdi)                   # X
	cmpl	$0, (%rax)                      # X
	testb	$1, (%rax)                      # X
	incl	(%rax)                          # X
	btsl	$3, (%rax)                      # X
	leal	(%rax), %eax                    # X
	movw	(%rax), %es                     # X
	movw	%ds, (%rax)                     # X
	movl	%eax, %ebx                      # X
	movq	%rax, %r8                       # X
	movb	$1, %al                         # X
	movl	$1, %eax                        # X
	movabs	$0x1122334455667788, %rax       # X
	movzbl	%al, %eax                       # X
	movslq	%eax, %rax                      # X
	pushq	(%rax)                          # X
	pushq	%rax                            # X
	popq	(%rax)                          # X
	popq	%rax                            # X
	movnti	%eax, (%rax)                    # X
	movbe	(%rax), %eax                    # X
	movd	(%rax), %xmm0                   # X
	movq	(%rax), %xmm0                   # X
	movaps	(%rax), %xmm1                   # X
	vmovdqu	(%rax), %ymm0                   # X
	vpbroadcastd (%rax), %ymm0              # X
	vmovdqu	(%r8), %ymm9                    # X
	vmovdqu64 (%rax), %zmm0                 # X
	lodsb                                   # X
	rep lodsl                               # X
	cmpsb                                   # X
	scasl                                   # X
	rep insl (%dx), %es:(%rdi)              # X
	outsb	%ds:(%rsi), (%dx)               # X
	repne movsb                             # X
	addr32 movl (%eax), %eax                # X
	movl	(%eax), %eax                    # X
	addr32 movsb                            # X
	clflush	(%rax)                          # X
	prefetcht0 (%rax)                       # X
	xabort	$1                              # X
	ud2                                     # X
	int3                                    # X
	hlt                                     # X
	nop                                     # X
	ret                                     # X
