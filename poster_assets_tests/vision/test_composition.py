from __future__ import annotations

import numpy as np

from poster_assets.vision import composition
from poster_assets.vision.masks import decode_label_png, encode_label_png


def test_pieces_of_the_mask_become_subjects_largest_first_and_specks_join_the_nearest() -> None:
    subject = np.zeros((100, 100), bool)
    subject[10:30, 10:30] = True  # 400 px: a subject
    subject[50:90, 50:90] = True  # 1600 px: the larger subject
    subject[12:14, 40:42] = True  # 4 px, nearer the first square's centre
    instances = composition.subject_instances(subject, min_share=0.01)
    assert instances[60, 60] == 1 and instances[20, 20] == 2
    assert instances[12, 40] == 2
    assert (instances[~subject] == 0).all()


def test_a_mask_of_specks_only_still_has_its_largest_as_a_subject() -> None:
    subject = np.zeros((100, 100), bool)
    subject[5:8, 5:8] = True  # 9 px
    subject[50:52, 50:52] = True  # 4 px
    instances = composition.subject_instances(subject, min_share=0.01)
    assert set(np.unique(instances)) == {0, 1}
    assert instances[6, 6] == 1 and instances[50, 50] == 1


def test_the_title_cuts_the_subject_which_cuts_other_text() -> None:
    small_subject = np.zeros((50, 40), bool)
    small_subject[10:40, 10:30] = True  # at half the poster's size
    title = np.zeros((100, 80), bool)
    title[30:36, 20:60] = True  # across the subject
    other = np.zeros((100, 80), bool)
    other[32:34, 0:80] = True  # crossing the title: the title wins there
    other[60:62, 15:25] = True  # inside the subject: the subject wins
    other[90:95, 10:70] = True
    found = composition.compose(small_subject, title, other, (100, 80))
    roles = found.roles
    assert roles.shape == (100, 80) and roles.dtype == np.uint8
    assert (roles[title] == composition.TITLE_TEXT).all()
    assert (roles[90:95, 10:70] == composition.OTHER_TEXT).all()
    assert (roles[32:34, 0:20] == composition.OTHER_TEXT).all()
    assert (roles[60:62, 20:25] == composition.FIRST_SUBJECT).all()
    assert roles[60, 40] == composition.FIRST_SUBJECT
    assert roles[5, 5] == composition.BACKGROUND
    assert (decode_label_png(encode_label_png(roles)) == roles).all()
    subject = found.role_mask(composition.FIRST_SUBJECT)
    assert subject[30:36, 20:60].all()  # kept under the title
    assert found.role_indices == [0, 1, 2, 3]


def test_no_text_and_no_subject_is_all_background() -> None:
    found = composition.compose(np.zeros((20, 20), bool), None, None, (40, 40))
    assert (found.roles == composition.BACKGROUND).all() and found.role_indices == [0, 1, 2]


def test_role_summaries_place_faces_objects_and_depth() -> None:
    subjects = np.zeros((100, 100), np.int32)
    subjects[40:100, 20:80] = 1
    roles = np.where(subjects > 0, composition.FIRST_SUBJECT, composition.BACKGROUND)
    roles = roles.astype(np.uint8)
    roles[5:15, 10:90] = composition.TITLE_TEXT
    roles[50:53, 30:70] = composition.TITLE_TEXT  # over the subject, whose mask keeps it
    found = composition.Composition(roles, subjects)
    depth = np.full((50, 50), 0.9, np.float32)
    depth[20:, 10:40] = 0.1  # the subject is near
    summaries = composition.summarise_roles(
        found, depth, faces=[(40, 45, 60, 60)], objects=[("person", (20, 40, 80, 100)),
                                                         ("car", (0, 0, 10, 30))],
    )  # fmt: skip
    by_role = {summary.role: summary for summary in summaries}
    assert [summary.index for summary in summaries] == [0, 1, 2, 3]
    assert by_role["other_text"].pixel_share == 0 and by_role["other_text"].box is None
    subject = by_role["subject"]
    assert subject.box == (20.0, 40.0, 80.0, 100.0)
    assert subject.pixel_share == 0.36
    assert subject.faces == 1 and subject.objects == ("person",)
    assert by_role["background"].objects == ("car",)
    assert subject.depth_rank < 0.5 < by_role["background"].depth_rank
    assert by_role["title_text"].pixel_share == (800 + 120) / 10000
    no_depth = composition.summarise_roles(found, None, [], [])
    assert all(summary.depth_rank is None for summary in no_depth)
