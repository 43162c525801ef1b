/* e^x correctly rounded to binary64 (round to nearest, ties to even): exact_exp.c. */
#ifndef EXACT_EXP_H
#define EXACT_EXP_H
#include <stdint.h>

double exact_exp(double x);
uint64_t exact_exp_bits(uint64_t x_bits);     /* on bit patterns; NaN gives 7ff8... */

#endif
