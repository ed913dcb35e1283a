/* parts.c: the devices and parts --target knows (--device for iCE40/ECP5, --part for Xilinx).
 *
 * One table for every target; flow.c checks a synthesized core against its row, main.c takes the
 * default package and clock from it. Sizes are the vendors' product tables: Lattice's iCE40 and
 * ECP5 family data sheets; Xilinx's 7 Series overview (DS180), Zynq-7000 overview (DS190), Zynq
 * UltraScale+ MPSoC overview (DS891), UltraScale architecture overview (DS890: the VU9P) and the
 * Alveo U200/U250 data sheet (DS962: the U250's XCU250). Xilinx block RAM is counted in 36 kbit
 * blocks (each two RAMB18). */
#include "rnnc.h"

#include <string.h>

const Device flow_devices[] = {
    /* target, name, package, lut, bram, dsp, spram, ff, uram, family, clock MHz */
    /* iCE40: iCEBreaker's 12 MHz oscillator times 4 */
    {"ice40", "up5k", "sg48", 5280, 30, 8, 4, 0, 0, NULL, 48.0},
    {"ice40", "hx8k", "ct256", 7680, 32, 0, 0, 0, 0, NULL, 48.0},
    {"ice40", "hx1k", "tq144", 1280, 16, 0, 0, 0, 0, NULL, 48.0},
    {"ice40", "lp8k", "cm81", 7680, 32, 0, 0, 0, 0, NULL, 48.0},
    /* ECP5 LFE5U in the ULX3S's package: LUT4s, DP16KD, MULT18X18D; ULX3S's 25 MHz times 2 */
    {"ecp5", "85k", "CABGA381", 83640, 208, 156, 0, 0, 0, NULL, 50.0},
    {"ecp5", "45k", "CABGA381", 43848, 108, 72, 0, 0, 0, NULL, 50.0},
    {"ecp5", "25k", "CABGA381", 24288, 56, 28, 0, 0, 0, NULL, 50.0},
    {"ecp5", "12k", "CABGA381", 12288, 32, 28, 0, 0, 0, NULL, 50.0},
    /* Xilinx: LUT6, 36 kbit block RAMs, DSP48E1/E2, flip-flops, UltraRAMs; the package and speed
     * grade of a common board (Basys 3, Arty A7, Nexys Video, PYNQ-Z2, ZCU102, VCU118, Alveo U250)
     * name the part in vivado/create_project.tcl */
    {"xilinx", "xc7a35t", "cpg236-1", 20800, 50, 90, 0, 41600, 0, "xc7", 200.0},
    {"xilinx", "xc7a100t", "csg324-1", 63400, 135, 240, 0, 126800, 0, "xc7", 200.0},
    {"xilinx", "xc7a200t", "sbg484-1", 134600, 365, 740, 0, 269200, 0, "xc7", 200.0},
    {"xilinx", "xc7z020", "clg400-1", 53200, 140, 220, 0, 106400, 0, "xc7", 200.0},
    {"xilinx", "xczu9eg", "ffvb1156-2-e", 274080, 912, 2520, 0, 548160, 0, "xcup", 200.0},
    {"xilinx", "xcvu9p", "flga2104-2L-e", 1182240, 2160, 6840, 0, 2364480, 960, "xcup", 200.0},
    {"xilinx", "xcu250", "figd2104-2L-e", 1728000, 2688, 12288, 0, 3456000, 1280, "xcup", 200.0},
    {NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, 0.0}};

const Device *flow_device(const char *target, const char *name)
{
    for (const Device *d = flow_devices; d->target; d++)
        if (!strcmp(d->target, target) && (!name || !strcmp(d->name, name))) return d;
    return NULL;
}

const Device *part_find(const char *name)
{
    for (const Device *d = flow_devices; d->target; d++)
        if (!strcmp(d->name, name)) return d;
    return NULL;
}

void part_names(const char *target, char *buf, size_t len)
{
    if (len) *buf = 0;
    for (const Device *d = flow_devices; d->target; d++) {
        size_t n = strlen(buf);
        if (!strcmp(d->target, target) && n + 1 < len) snprintf(buf + n, len - n, "%s%s", n ? ", " : "", d->name);
    }
}

int part_ff(const Device *d)
{
    return d->ff ? d->ff : d->lut;
}
