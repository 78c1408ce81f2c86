"""The side-by-side benchmark's parsing of both tools' output and its choice of the faster peer."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_side_by_side as side  # noqa: E402


class ParsingTests(unittest.TestCase):
    def test_ours(self):
        out = ("sgemm 128x1000x1000: 93.4 GFLOP/s (one thread, OpenBLAS core Cooperlake)\n"
               "model\tbatch\tmedian_ms_per_step\tsamples_per_second\tgflops\tpercent_of_sgemm\tpeak_rss_mb\n"
               "logreg\t128\t0.080\t1595433\t50.0\t54\t29\n"
               "vae\t100\t6.077\t16456\t71.9\t77\t192\n"
               "vae-128\t128\t7.351\t17413\t76.1\t81\t192\n")
        self.assertEqual(side.parse_ours(out), {"logreg": 0.080, "vae-128": 7.351})

    def test_peer_skips_comments_and_keeps_variants(self):
        out = ("# torch threads=1 affinity=[0]\n"
               "torch.bow_logreg_dense.adam_fused 1 0.6571 194803\n"
               "# torch.bow_logreg_dense.adam_fused threads=1 steps=6135 (5x1227)\n"
               "torch.bow_logreg_sparse_coo.adam_fused 1 1.9932 64217.4\n")
        times = side.parse_peer(out)
        self.assertEqual(times, {"bow_logreg_dense": 0.6571, "bow_logreg_sparse_coo": 1.9932})
        self.assertEqual(side.fastest(times, side.MODELS["bow-logreg"][0]), 0.6571)
        self.assertIsNone(side.fastest(times, side.MODELS["cnn"][0]))

    def test_ours_adam_update(self):
        out = ("optimizer\tparameters\tmedian_ms_per_step\telements_per_second\n"
               "adam\t10000000\t9.871\t1.013e+09\n")
        self.assertEqual(side.parse_ours_adam(out), {"adam-10M": 9.871})
        self.assertEqual(side.parse_ours_adam("adam\t1000\t0.01\t1e8\n"), {})

    def test_peer_adam_update_rows(self):
        out = ("torch.adam_10M_default_elems_per_s 1 40.1 2.49e8\n"
               "torch.adam_10M_fused_elems_per_s 1 12.5 8.0e8\n"
               "jax.optax_adam_10M_elems_per_s 1 20.0 5.0e8\n")
        self.assertEqual(side.fastest(side.parse_peer(out), side.MODELS["adam-10M"][0]), 12.5)


if __name__ == "__main__":
    unittest.main()
