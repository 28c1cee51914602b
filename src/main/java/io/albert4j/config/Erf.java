package io.albert4j.config;

/**
 * The error function to double precision (W. J. Cody's rational approximations, as in most libms),
 * since {@link Math} has none. Stateless and thread-safe.
 */
public final class Erf {
    // Coefficients of Cody's CALERF, highest power first; each denominator is monic.
    private static final double[] SMALL_NUM = {1.85777706184603153e-1, 3.16112374387056560, 1.13864154151050156e2,
        3.77485237685302021e2, 3.20937758913846947e3};
    private static final double[] SMALL_DEN = {1, 2.36012909523441209e1, 2.44024637934444173e2,
        1.28261652607737228e3, 2.84423683343917062e3};
    private static final double[] MID_NUM = {2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594,
        6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2, 1.71204761263407058e3,
        2.05107837782607147e3, 1.23033935479799725e3};
    private static final double[] MID_DEN = {1, 1.57449261107098347e1, 1.17693950891312499e2,
        5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
        3.43936767414372164e3, 1.23033935480374942e3};
    private static final double[] LARGE_NUM = {1.63153871373020978e-2, 3.05326634961232344e-1,
        3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4};
    private static final double[] LARGE_DEN = {1, 2.56852019228982242, 1.87295284992346725,
        5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3};
    private static final double ONE_OVER_SQRT_PI = 0.564189583547756287;

    private Erf() {
    }

    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 0.5) {
            double t = x * x;
            return x * horner(SMALL_NUM, t) / horner(SMALL_DEN, t);
        }
        double erfc;
        if (ax < 4.0) {
            erfc = Math.exp(-ax * ax) * horner(MID_NUM, ax) / horner(MID_DEN, ax);
        } else {
            double z = 1.0 / (ax * ax);
            erfc = Math.exp(-ax * ax) / ax * (ONE_OVER_SQRT_PI - z * horner(LARGE_NUM, z) / horner(LARGE_DEN, z));
        }
        return x < 0 ? erfc - 1.0 : 1.0 - erfc;
    }

    private static double horner(double[] coefficients, double x) {
        double sum = 0;
        for (double c : coefficients) {
            sum = sum * x + c;
        }
        return sum;
    }
}
