"""Every table, imported here so SQLModel.metadata knows them all."""
from models.tables.activity import AuditLog, DomainEvent, LoyaltyLedger, Note, Referral, Task
from models.tables.clinical import Appointment, AppointmentStatus, Procedure, Recall, TreatmentPlan
from models.tables.feedback import Feedback, FeedbackKind, FeedbackScale, FeedbackSource
from models.tables.journeys import Enrollment, EnrollmentStatus, Journey, JourneyStatus, JourneyStepLog, JourneyVersion
from models.tables.messaging import Message, MessageStatus, MessageTemplate
from models.tables.patient import Channel, ConsentEvent, Patient
from models.tables.practice import Holiday, Practice
from models.tables.staff import Role, StaffSession, StaffUser

__all__ = [
    "Appointment", "AppointmentStatus", "AuditLog", "Channel", "ConsentEvent", "DomainEvent", "Enrollment",
    "EnrollmentStatus", "Feedback", "FeedbackKind", "FeedbackScale", "FeedbackSource", "Holiday", "Journey",
    "JourneyStatus", "JourneyStepLog", "JourneyVersion", "LoyaltyLedger", "Message", "MessageStatus",
    "MessageTemplate", "Note", "Patient", "Practice", "Procedure", "Recall", "Referral", "Role", "StaffSession",
    "StaffUser", "Task", "TreatmentPlan",
]
