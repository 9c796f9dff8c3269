"""Spectral-residual saliency (Hou & Zhang, CVPR 2007): what stands out from the image's
typical frequency content. Needs no weights; OpenCV ships it only in its contrib build, which
cannot be installed beside the headless build that rapidocr requires."""

from __future__ import annotations

import cv2
import numpy as np

WORKING_SIDE = 64  # the method works on a small thumbnail, as in the paper


def spectral_residual_saliency(rgb: np.ndarray) -> np.ndarray:
    """(H, W) float32 saliency in [0, 1] at the input's size."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    if grey.std() == 0:
        return np.zeros(grey.shape, np.float32)  # nothing stands out from a flat image
    scale = WORKING_SIDE / max(grey.shape)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    spectrum = np.fft.fft2(small)
    log_amplitude = np.log(np.abs(spectrum) + 1e-8)
    residual = log_amplitude - cv2.blur(log_amplitude, (3, 3))
    saliency = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    saliency = cv2.GaussianBlur(saliency.astype(np.float32), (0, 0), sigmaX=2.5)
    saliency = cv2.resize(saliency, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    low, high = float(saliency.min()), float(saliency.max())
    return (saliency - low) / (high - low) if high > low else np.zeros_like(saliency)
