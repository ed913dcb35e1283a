/* gen_h5 OUTDIR: the hostile HDF5 files of tests/limits/run.sh, written with libhdf5.
 *
 *   nobias_names.weights.h5  Keras 2 weights of an LSTM (units 2, 2 features) with use_bias
 *                            false whose weight group names .../kernel and .../bias (2 arrays)
 *   lstm_huge.h5             a full Keras 2 model (model_config, model_weights) declaring an
 *                            LSTM of 4096 units on 4096 features whose datasets were never
 *                            written: a few KB on disk, 2 GB of zeros when read
 */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

static void str_attr(hid_t obj, const char *name, const char *const *v, int n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hsize_t d = (hsize_t)n;
    hid_t s = n == 1 && !strcmp(name, "model_config") ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &d, NULL);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, v);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/* A dataset rows x cols of doubles; data NULL: declared, never written. */
static void dataset(hid_t g, const char *name, hsize_t rows, hsize_t cols, const double *data)
{
    hsize_t d[2] = {rows, cols};
    hid_t s = H5Screate_simple(cols ? 2 : 1, d, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t ds = H5Dcreate2(g, name, H5T_IEEE_F32LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (data) H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(ds);
    H5Sclose(s);
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/nobias_names.weights.h5", argv[1]);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const char *layers[] = {"lstm"}, *names[] = {"lstm/lstm_cell/kernel:0", "lstm/lstm_cell/bias:0"};
    str_attr(f, "layer_names", layers, 1);
    hid_t g = H5Gcreate2(f, "lstm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    str_attr(g, "weight_names", names, 2);
    double k[2 * 8] = {0.1}, b[2 * 8] = {0.2};
    dataset(g, "lstm/lstm_cell/kernel:0", 2, 8, k);
    dataset(g, "lstm/lstm_cell/bias:0", 2, 8, b);
    H5Gclose(g);
    H5Fclose(f);

    snprintf(path, sizeof path, "%s/lstm_huge.h5", argv[1]);
    f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const char *cfg[] = {"{\"class_name\": \"Sequential\", \"config\": {\"name\": \"huge\", \"layers\": ["
                         "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"x\", \"batch_input_shape\": "
                         "[null, 1, 4096]}}, {\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", "
                         "\"units\": 4096}}]}}"};
    const char *ver[] = {"2.15.0"};
    str_attr(f, "model_config", cfg, 1);
    str_attr(f, "keras_version", ver, 1);
    hid_t mw = H5Gcreate2(f, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    str_attr(mw, "layer_names", layers, 1);
    g = H5Gcreate2(mw, "lstm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const char *hn[] = {"kernel:0", "recurrent_kernel:0", "bias:0"};
    str_attr(g, "weight_names", hn, 3);
    dataset(g, "kernel:0", 4096, 4 * 4096, NULL);
    dataset(g, "recurrent_kernel:0", 4096, 4 * 4096, NULL);
    dataset(g, "bias:0", 4 * 4096, 0, NULL);
    H5Gclose(g);
    H5Gclose(mw);
    H5Fclose(f);
    return 0;
}
