/* Guest entry: set up gp and sp, run main(), halt with its return value. */
  .section .text._start, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  .option push
  .option norelax
  lui gp, %hi(__global_pointer$)
  addi gp, gp, %lo(__global_pointer$)
  .option pop
  lui sp, %hi(__stack_top)
  addi sp, sp, %lo(__stack_top)
  call main
  call zkvm_exit
  .size _start, . - _start
