import pytest

from poster_assets.vision.placement import Placement, placement_of_box


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        ((0, 0, 90, 30), Placement("top", "left")),
        ((100, 200, 200, 250), Placement("middle", "centre")),
        ((220, 400, 300, 450), Placement("bottom", "right")),
        ((0, 0, 300, 450), Placement("middle", "centre")),
    ],
)
def test_placement_by_box_centre_thirds(
    box: tuple[int, int, int, int], expected: Placement
) -> None:
    assert placement_of_box(box, 300, 450) == expected


def test_boundaries_belong_to_the_lower_third() -> None:
    assert placement_of_box((0, 150, 0, 150), 300, 450).vertical == "middle"


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="positive"):
        placement_of_box((0, 0, 1, 1), 0, 10)
    with pytest.raises(ValueError, match="x0 <= x1"):
        placement_of_box((5, 0, 1, 1), 10, 10)
