# Floating point through libm and the float formatting and parsing of CPython: every value as its exact
# digits and hex, so one rounding step that differs shows.
import math, struct
vals = [0.1, 1/3, 2.5, -0.0, 1e-320, 5e-324, 1.7976931348623157e308, math.pi, math.e, 1e16 + 1, 123456.789e-300]
for v in vals:
    print(repr(v), '%.60f' % v if abs(v) < 1e10 else '%.20e' % v, v.hex(), math.frexp(v))
fns = [math.sin, math.cos, math.tan, math.exp, math.log1p, math.atan, math.sinh, math.tanh, math.erf, math.lgamma, math.cbrt, math.expm1]
for f in fns:
    print(f.__name__, [f(x).hex() for x in (0.5, 1.0, 3.0, 1e-8, 12.75)])
print(math.cos(1e22), math.sin(1e300), math.pow(2, 0.5), math.fmod(-7.5, 2), divmod(-7.5, 2), round(0.5), round(1.5), round(2.675, 2))
print(math.sqrt(2.0).hex(), (0.1 * 3).hex(), math.fsum([1e100, 1.0, -1e100, 1e-100]))
print(struct.unpack('<f', struct.pack('<f', 0.1)), float(2**64), int(1e23), 10**23 / 7, (2**70 + 1) / 3, 7 // -2.0, -7 % 2.5)
acc = 0.0
for i in range(1, 200001):
    acc += math.sin(i) / i
print(acc.hex(), sum(1 / (k * k) for k in range(1, 100001)).hex())
print(float('1.000000000000000111022302462515654042363166809082031251'), float('2.2250738585072011e-308'), int('9' * 4000) % 1000003)
