/**
 * Which extension (or privilege level) an instruction that objdump prints belongs to, when this
 * CPU does not offer it: such encodings SIGILL on arm64kit as on a CPU without the extension
 * (or at EL0). `undefined` means "base Armv8.0-A, or an extension arm64kit implements": refusing
 * those is a gap. Disassembled data (constant pools in .text) decodes as anything, so this list
 * has to name every extension objdump knows, not just the ones compilers emit.
 */
const BY_MNEMONIC: [RegExp, string][] = [
  [/^(pac\w*|aut\w*|xpac\w*|bra[ab]z?|blra[ab]z?|reta[ab]|ereta[ab]|ldra[ab])$/, 'PAuth'],
  [/^(stg|stzg|st2g|stz2g|stgp|ldg|ldgm|stgm|stzgm|irg|gmi|addg|subg|subps?)$/, 'MTE'],
  [/^(cpy\w*|set[pme]\w*|setg\w*)$/, 'MOPS'],
  [/^(bf\w+)$/, 'BF16'],
  [/^(smmla|ummla|usmmla|usdot|sudot)$/, 'I8MM'],
  [/^(sm3\w+|sm4\w+)$/, 'SM3/SM4'],
  [/^(fmlal2?|fmlsl2?)$/, 'FHM'],
  [/^(frint(32|64)[xz])$/, 'FRINTTS'],
  [/^(axflag|xaflag)$/, 'FlagM2'],
  [/^(st64b\w*|ld64b)$/, 'LS64'],
  [/^(tstart|tcommit|tcancel|ttest)$/, 'TME'],
  [/^(abs|cnt|ctz|smax|smin|umax|umin)$/, 'CSSC'],
  [/^(bc\.\w+)$/, 'HBC'],
  [/^(ldapp|stilp|ldiapp|ldap1|stl1|ldclrp\w*|ldsetp\w*|swpp\w*|rcw\w*)$/, 'LRCPC3/LSE128'],
  [/^(wfet|wfit)$/, 'WFxT'],
  [/^(gcs\w*)$/, 'GCS'],
  [/^(rprfm|prfm\s+ir)$/, 'PRFM'],
  [/^(smstart|smstop|zero|luti\w+)$/, 'SME'],
  // SVE instructions with only general-register operands (vector-length arithmetic)
  [/^(cnt[bhwdp]|(sq|uq)?(inc|dec)[bhwdp]|addvl|addpl|adds[vp]l|rdvl|rdsvl)$/, 'SVE/SME'],
  [/^(cfp|dvp|cpp|brb|tlbi|at|hvc|smc|hlt|dcps[123]|eret|drps|sysl?|msrr|mrrs|sysp)$/, 'EL1 and up'],
];

export function unofferedExtension(text: string): string | undefined {
  const [mnemonic, ...rest] = text.split(/\s+/);
  const operands = rest.join(' ');
  // SVE and SME: Z, P and ZA registers, predicated or "mul vl" forms
  if (/\bz\d+\.|\bz\d+\b|\bp\d+(\.|\/|\b)|\bza\w*|\bzt0\b|mul vl|\bpn\d+/.test(operands)) return 'SVE/SME';
  for (const [re, name] of BY_MNEMONIC) if (re.test(mnemonic)) return name;
  // MSR/MRS of registers EL0 may not touch (and MTE's TCO, the RNG registers, SME's SVCR)
  if (/^(msr|mrs)$/.test(mnemonic)) return 'system register not accessible at EL0';
  if (mnemonic === 'dc' && /g\w*va|cvadp|cgd?v|cigd?v/.test(operands)) return 'MTE/DCCVADP';
  if (mnemonic === 'dc' || mnemonic === 'ic') return 'EL1 and up';
  return undefined;
}
