# Linear evaluation of the IKEM KD student's joint stream, NTU-60 cross-view.
_base_ = ['./linear_ikem-teacher-joint_stgcn-w16_1xb128-100e_ntu60-xview-3d.py']
pretrained = 'work_dirs/ikem-student_stgcn-w16_1xb128-150e_ntu60-xview-3d/epoch_150.pth'
model = dict(pretrained_prefix='encoder_student.{modality}.backbone.')
